{{/* Helpers of the monitoring objects every Consortia chart ships. */}}

{{/* A volume of a Secret's certificates only (never its keys), for the Consortia exporter to read their expiry. Call with (dict "secret" NAME "keys" (list ...) "optional" (list ...)). */}}
{{- define "consortia.certificatesVolume" -}}
projected:
  defaultMode: 292 # 0444: certificates are public
  sources:
    - secret:
        name: {{ .secret }}
        items:
          {{- range .keys }}
          - key: {{ . }}
            path: {{ . }}
          {{- end }}
    {{- range (.optional | default list) }}
    - secret:
        name: {{ $.secret }}
        optional: true
        items:
          - key: {{ . }}
            path: {{ . }}
    {{- end }}
{{- end }}

{{/* The Consortia exporter's probe timings (it answers /healthz at once; its figures are read behind it). */}}
{{- define "consortia.exporterProbes" -}}
startup: { periodSeconds: 5, failureThreshold: 24, timeoutSeconds: 3 }
liveness: { periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 3 }
readiness: { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 }
{{- end }}

{{/* The exporter's resources unless the values give them: a Node.js process reading a few endpoints. */}}
{{- define "consortia.exporterResources" -}}
requests: { cpu: 20m, memory: 96Mi }
limits: { cpu: 500m, memory: 256Mi }
{{- end }}

{{/*
The Consortia exporter (the network image's `dist/monitoring/exporter/main.js`): a Deployment of one
pod and the NetworkPolicy of its /metrics. It reports under the metric names of a local network's
exporter, so one rule file and one set of dashboards serve both. Call with (dict "ctx" $ "values"
.Values.monitoring.exporter "podSecurityContext" ... "securityContext" ... "probes" (list
"process=url" ...) "kafkaBrokers" "host:port,..." "metricsFrom" (NetworkPolicyPeer list) "nodes"
(list (dict "name" "peer0" "kind" "peer" "org" MSP "mspSecret" ... "tlsSecret" ...))).
Each node's MSP (cert.pem, cacert.pem, intermediatecert.pem) and TLS (tls.crt, ca.crt)
certificates are mounted, never a key.
*/}}
{{- define "consortia.exporter" -}}
{{- $ctx := .ctx }}
{{- $e := .values }}
{{- $fullname := include "consortia.fullname" $ctx }}
{{- $port := dig "port" 9100 $e }}
{{- $certificates := list }}
{{- range .nodes }}
{{- $certificates = append $certificates (printf "%s:sign:%s=/certificates/%s/msp" .kind .org .name) }}
{{- $certificates = append $certificates (printf "%s:tls:%s=/certificates/%s/tls" .kind .org .name) }}
{{- end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}-exporter
  labels:
    {{- include "consortia.labels" (dict "ctx" $ctx "component" "exporter") | nindent 4 }}
spec:
  replicas: 1
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "consortia.selectorLabels" (dict "ctx" $ctx "component" "exporter") | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "consortia.labels" (dict "ctx" $ctx "component" "exporter") | nindent 8 }}
    spec:
      serviceAccountName: {{ include "consortia.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      {{- with (include "consortia.imagePullSecrets" $ctx | trim) }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- toYaml .podSecurityContext | nindent 8 }}
      {{- include "consortia.scheduling" (dict "ctx" $ctx "component" "exporter" "values" $e) | nindent 6 }}
      containers:
        - name: exporter
          image: {{ printf "%s:%s" (dig "image" "repository" "consortia/network" $e) (dig "image" "tag" "0.1.0" $e | toString) }}
          imagePullPolicy: {{ dig "image" "pullPolicy" "IfNotPresent" $e }}
          command: [node, /app/network/dist/monitoring/exporter/main.js]
          env:
            - name: EXPORTER_PORT
              value: {{ $port | quote }}
            - name: EXPORTER_PROBES
              value: {{ join "," .probes | quote }}
            - name: EXPORTER_CERTIFICATES
              value: {{ join "," $certificates | quote }}
            {{- with .kafkaBrokers }}
            - name: EXPORTER_KAFKA_BROKERS
              value: {{ . | quote }}
            {{- end }}
          ports:
            - name: http
              containerPort: {{ $port }}
          {{- include "consortia.httpProbes" (dict "port" "http" "probes" (include "consortia.exporterProbes" . | fromYaml)) | nindent 10 }}
          resources:
            {{- toYaml (dig "resources" (include "consortia.exporterResources" . | fromYaml) $e) | nindent 12 }}
          securityContext:
            {{- toYaml .securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- range .nodes }}
            - name: {{ .name }}-msp
              mountPath: /certificates/{{ .name }}/msp
              readOnly: true
            - name: {{ .name }}-tls
              mountPath: /certificates/{{ .name }}/tls
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- range .nodes }}
        - name: {{ .name }}-msp
          {{- include "consortia.certificatesVolume" (dict "secret" .mspSecret "keys" (list "cert.pem" "cacert.pem") "optional" (list "intermediatecert.pem")) | nindent 10 }}
        - name: {{ .name }}-tls
          {{- include "consortia.certificatesVolume" (dict "secret" .tlsSecret "keys" (list "tls.crt" "ca.crt")) | nindent 10 }}
        {{- end }}
{{- if $ctx.Values.networkPolicy.enabled }}
---
# Its /metrics: this namespace and the networks allowed to the operations endpoints (Prometheus).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $fullname }}-exporter
  labels:
    {{- include "consortia.labels" (dict "ctx" $ctx "component" "exporter") | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "consortia.selectorLabels" (dict "ctx" $ctx "component" "exporter") | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector: {}
        {{- with .metricsFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - port: {{ $port }}
          protocol: TCP
{{- end }}
{{- end }}

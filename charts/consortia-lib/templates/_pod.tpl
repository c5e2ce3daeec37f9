{{/* Pod-spec fragments: storage, scheduling and probes. */}}

{{/* Storage class for a persistence block: its own, else the global one, else the cluster default. Call with (dict "ctx" $ "persistence" .). */}}
{{- define "consortia.storageClass" -}}
{{- $class := default .ctx.Values.global.storageClass .persistence.storageClass }}
{{- if $class }}
storageClassName: {{ $class | quote }}
{{- end }}
{{- end }}

{{/* Spreads a component's pods over nodes first, then zones, without blocking scheduling on small clusters. */}}
{{- define "consortia.affinity" -}}
{{- if .affinity }}
{{- toYaml .affinity }}
{{- else }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "consortia.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 12 }}
    - weight: 50
      podAffinityTerm:
        topologyKey: topology.kubernetes.io/zone
        labelSelector:
          matchLabels:
            {{- include "consortia.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 12 }}
{{- end }}
{{- end }}

{{/* Scheduling fields of a pod spec; call with (dict "ctx" $ "component" "x" "values" .Values.x). */}}
{{- define "consortia.scheduling" -}}
affinity:
  {{- include "consortia.affinity" (dict "ctx" .ctx "component" .component "affinity" .values.affinity) | trim | nindent 2 }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/*
HTTP probes. Call with (dict "port" "operations" "probes" .Values.x.probes); "path" is asked by the
startup and liveness probes (/healthz unless given), "readinessPath" by the readiness probe (the
same path unless given). A Consortia service answers /healthz while its process is alive and
/readyz once its dependencies answer, so a pod whose database is briefly away leaves its Service
without being restarted; Fabric nodes have only /healthz.
*/}}
{{- define "consortia.httpProbes" -}}
startupProbe:
  httpGet:
    path: {{ .path | default "/healthz" }}
    port: {{ .port }}
  periodSeconds: {{ .probes.startup.periodSeconds }}
  failureThreshold: {{ .probes.startup.failureThreshold }}
  timeoutSeconds: {{ .probes.startup.timeoutSeconds }}
livenessProbe:
  httpGet:
    path: {{ .path | default "/healthz" }}
    port: {{ .port }}
  periodSeconds: {{ .probes.liveness.periodSeconds }}
  failureThreshold: {{ .probes.liveness.failureThreshold }}
  timeoutSeconds: {{ .probes.liveness.timeoutSeconds }}
readinessProbe:
  httpGet:
    path: {{ .readinessPath | default .path | default "/healthz" }}
    port: {{ .port }}
  periodSeconds: {{ .probes.readiness.periodSeconds }}
  failureThreshold: {{ .probes.readiness.failureThreshold }}
  timeoutSeconds: {{ .probes.readiness.timeoutSeconds }}
{{- end }}

{{/* TCP probes for servers without an HTTP health endpoint. Call with (dict "port" "client" "probes" .Values.x.probes). */}}
{{- define "consortia.tcpProbes" -}}
startupProbe:
  tcpSocket:
    port: {{ .port }}
  periodSeconds: {{ .probes.startup.periodSeconds }}
  failureThreshold: {{ .probes.startup.failureThreshold }}
  timeoutSeconds: {{ .probes.startup.timeoutSeconds }}
livenessProbe:
  tcpSocket:
    port: {{ .port }}
  periodSeconds: {{ .probes.liveness.periodSeconds }}
  failureThreshold: {{ .probes.liveness.failureThreshold }}
  timeoutSeconds: {{ .probes.liveness.timeoutSeconds }}
readinessProbe:
  tcpSocket:
    port: {{ .port }}
  periodSeconds: {{ .probes.readiness.periodSeconds }}
  failureThreshold: {{ .probes.readiness.failureThreshold }}
  timeoutSeconds: {{ .probes.readiness.timeoutSeconds }}
{{- end }}

{{/* Pod labels asked for by logShipping (collectors select the JSON-logging pods by them); empty when it is off. Call with the root context. */}}
{{- define "consortia.logLabels" -}}
{{- $logs := .Values.logShipping | default dict }}
{{- if and $logs.enabled $logs.labels }}
{{- toYaml $logs.labels }}
{{- end }}
{{- end }}

{{/* A pod's annotations: its own podAnnotations and, when logShipping is on, the collectors' (e.g. fluentbit.io/parser). Call with (dict "ctx" $ "values" .Values.x). */}}
{{- define "consortia.podAnnotations" -}}
{{- $logs := .ctx.Values.logShipping | default dict }}
{{- $annotations := deepCopy (.values.podAnnotations | default dict) }}
{{- if $logs.enabled }}
{{- $annotations = merge $annotations ($logs.annotations | default dict) }}
{{- end }}
{{- with $annotations }}
{{- toYaml . }}
{{- end }}
{{- end }}

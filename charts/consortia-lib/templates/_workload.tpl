{{/* Building blocks for the Consortia Node.js services (HTTP on one port; startup and liveness probes on probes.path, readiness on probes.readinessPath, /readyz unless given). */}}

{{/* Deployment. Call with (dict "ctx" $ "component" "dapp" "values" .Values.dapp "replicas" 2 "strategy" (dict ...) "env" (list ...) "volumes" (list ...) "volumeMounts" (list ...)). */}}
{{- define "consortia.serviceDeployment" -}}
{{- $ctx := .ctx }}
{{- $v := .values }}
{{- $hpa := and $v.hpa $v.hpa.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "consortia.fullname" $ctx }}-{{ .component }}
  labels:
    {{- include "consortia.labels" (dict "ctx" $ctx "component" .component) | nindent 4 }}
spec:
  {{- if not $hpa }}
  replicas: {{ .replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- toYaml .strategy | nindent 4 }}
  selector:
    matchLabels:
      {{- include "consortia.selectorLabels" (dict "ctx" $ctx "component" .component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "consortia.labels" (dict "ctx" $ctx "component" .component) | nindent 8 }}
        {{- with (include "consortia.logLabels" $ctx) }}
        {{- . | nindent 8 }}
        {{- end }}
      {{- with (include "consortia.podAnnotations" (dict "ctx" $ctx "values" $v)) }}
      annotations:
        {{- . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "consortia.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      {{- with (include "consortia.imagePullSecrets" $ctx | trim) }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- include "consortia.scheduling" (dict "ctx" $ctx "component" .component "values" $v) | nindent 6 }}
      containers:
        - name: {{ .component }}
          image: {{ include "consortia.image" $v.image }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          env:
            - name: PORT
              value: {{ $v.port | quote }}
            - name: NODE_ENV
              value: production
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $v.extraEnvFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
          {{- include "consortia.httpProbes" (dict "port" "http" "path" $v.probes.path "readinessPath" ($v.probes.readinessPath | default "/readyz") "probes" $v.probes) | nindent 10 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- with .volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end }}

{{/* ClusterIP (or as configured) Service on port 80 → http. Call with (dict "ctx" $ "component" "dapp" "values" .Values.dapp). */}}
{{- define "consortia.serviceService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "consortia.fullname" .ctx }}-{{ .component }}
  labels:
    {{- include "consortia.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  {{- with .values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .values.service.type }}
  selector:
    {{- include "consortia.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
      appProtocol: http
{{- end }}

{{- define "consortia.serviceIngress" -}}
{{- $fullname := include "consortia.fullname" .ctx }}
{{- $component := .component }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $fullname }}-{{ $component }}
  labels:
    {{- include "consortia.labels" (dict "ctx" .ctx "component" $component) | nindent 4 }}
  {{- with .values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with .values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range .values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range (default (list (dict "path" "/" "pathType" "Prefix")) .paths) }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ $fullname }}-{{ $component }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end }}

{{- define "consortia.servicePdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "consortia.fullname" .ctx }}-{{ .component }}
  labels:
    {{- include "consortia.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
spec:
  maxUnavailable: {{ .values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "consortia.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 6 }}
{{- end }}

{{- define "consortia.serviceHpa" -}}
{{- $hpa := .values.hpa }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "consortia.fullname" .ctx }}-{{ .component }}
  labels:
    {{- include "consortia.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "consortia.fullname" .ctx }}-{{ .component }}
  minReplicas: {{ $hpa.minReplicas }}
  maxReplicas: {{ $hpa.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $hpa.targetCPUUtilizationPercentage }}
    {{- with $hpa.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}

{{/* Admits the service's HTTP port only: from .from when given, else anyone when exposed by an Ingress, else pods of this release. */}}
{{- define "consortia.serviceNetworkPolicy" -}}
{{- $exposed := and .values.ingress .values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "consortia.fullname" .ctx }}-{{ .component }}
  labels:
    {{- include "consortia.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "consortia.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - ports:
        - port: {{ .values.port }}
          protocol: TCP
      {{- if .from }}
      from:
        {{- toYaml .from | nindent 8 }}
      {{- else if not $exposed }}
      from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .ctx.Release.Name }}
      {{- end }}
{{- end }}

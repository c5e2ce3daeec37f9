{{/* Names and labels. Every helper is called with the including chart's context (or a dict holding it as "ctx"), so .Chart and .Values are that chart's. */}}

{{- define "consortia.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified base name; kept short enough that "-<component>N-0" still fits in 63 characters. */}}
{{- define "consortia.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "consortia.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Call with (dict "ctx" $ "component" "orderer"). */}}
{{- define "consortia.selectorLabels" -}}
app.kubernetes.io/name: {{ include "consortia.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Call with (dict "ctx" $ "component" "orderer"). */}}
{{- define "consortia.labels" -}}
helm.sh/chart: {{ include "consortia.chart" .ctx }}
{{ include "consortia.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: consortia
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "consortia.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "consortia.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* "<repository>:<tag>"; call with an image values object. */}}
{{- define "consortia.image" -}}
{{- printf "%s:%s" .repository (toString .tag) }}
{{- end }}

{{- define "consortia.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

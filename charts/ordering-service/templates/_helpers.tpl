{{/* Names, labels and pod-spec fragments shared by every template of this chart. */}}

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

{{/* The MSP directory layout Fabric expects, projected from the keys of one Secret; NodeOU config, signing cert, key and CA cert are required, TLS CA and intermediate certs optional. Call with the Secret name. */}}
{{- define "consortia.mspVolume" -}}
projected:
  defaultMode: 288 # 0440: owner and group (fsGroup) may read
  sources:
    - secret:
        name: {{ . }}
        items:
          - key: config.yaml
            path: config.yaml
          - key: cert.pem
            path: signcerts/cert.pem
          - key: key.pem
            path: keystore/key.pem
          - key: cacert.pem
            path: cacerts/cacert.pem
    - secret:
        name: {{ . }}
        optional: true
        items:
          - key: tlscacert.pem
            path: tlscacerts/tlscacert.pem
    - secret:
        name: {{ . }}
        optional: true
        items:
          - key: intermediatecert.pem
            path: intermediatecerts/intermediatecert.pem
{{- end }}

{{/* A TLS Secret (tls.crt, tls.key, ca.crt), as cert-manager or `kubectl create secret generic` lays it out. */}}
{{- define "consortia.tlsVolume" -}}
secret:
  secretName: {{ . }}
  defaultMode: 288 # 0440: owner and group (fsGroup) may read
  items:
    - key: tls.crt
      path: server.crt
    - key: tls.key
      path: server.key
    - key: ca.crt
      path: ca.crt
{{- end }}

{{/* Secret names for orderer N: per-node override, else "<release>-ordererN-msp" / "-tls". Call with (dict "ctx" $ "index" N). */}}
{{- define "consortia.ordererNode" -}}
{{- $node := dict }}
{{- if lt (int .index) (len .ctx.Values.orderer.nodes) }}
{{- $node = index .ctx.Values.orderer.nodes (int .index) }}
{{- end }}
{{- $fullname := include "consortia.fullname" .ctx }}
{{- $ns := .ctx.Release.Namespace }}
{{- $domain := .ctx.Values.clusterDomain }}
{{- $host := printf "%s-orderer%d.%s.svc.%s" $fullname (int .index) $ns $domain }}
mspSecret: {{ default (printf "%s-orderer%d-msp" .ctx.Release.Name (int .index)) $node.mspSecret }}
tlsSecret: {{ default (printf "%s-orderer%d-tls" .ctx.Release.Name (int .index)) $node.tlsSecret }}
internalHost: {{ $host }}
externalEndpoint: {{ default (printf "%s:%d" $host (int .ctx.Values.orderer.ports.grpc)) $node.externalEndpoint }}
{{- end }}

{{- define "consortia.kafkaEnabled" -}}
{{- if eq .Values.consensus "kafka" }}true{{ end }}
{{- end }}

{{/* KRaft cluster id: the value, else 21 hex digits of a hash of namespace/release plus "A" (a canonical 16-byte base64url id). */}}
{{- define "consortia.kafkaClusterId" -}}
{{- if .Values.kafka.kraft.clusterId }}
{{- .Values.kafka.kraft.clusterId }}
{{- else }}
{{- printf "%sA" (printf "%s/%s" .Release.Namespace .Release.Name | sha256sum | trunc 21) }}
{{- end }}
{{- end }}

{{- define "consortia.kafkaHeadless" -}}
{{- printf "%s-kafka-headless" (include "consortia.fullname" .) }}
{{- end }}

{{- define "consortia.kafkaControllerHeadless" -}}
{{- printf "%s-kafka-controller-headless" (include "consortia.fullname" .) }}
{{- end }}

{{- define "consortia.zookeeperHeadless" -}}
{{- printf "%s-zookeeper-headless" (include "consortia.fullname" .) }}
{{- end }}

{{/* Comma-separated broker addresses, as the channel configuration's Kafka.Brokers needs them. */}}
{{- define "consortia.kafkaBrokers" -}}
{{- $fullname := include "consortia.fullname" . }}
{{- $headless := include "consortia.kafkaHeadless" . }}
{{- $brokers := list }}
{{- range $i := until (int .Values.kafka.brokers.replicas) }}
{{- $brokers = append $brokers (printf "%s-kafka-%d.%s.%s.svc.%s:%d" $fullname $i $headless $.Release.Namespace $.Values.clusterDomain (int $.Values.kafka.ports.client)) }}
{{- end }}
{{- join "," $brokers }}
{{- end }}

{{- define "consortia.controllerQuorumVoters" -}}
{{- $fullname := include "consortia.fullname" . }}
{{- $headless := include "consortia.kafkaControllerHeadless" . }}
{{- $voters := list }}
{{- range $i := until (int .Values.kafka.kraft.controllers.replicas) }}
{{- $voters = append $voters (printf "%d@%s-kafka-controller-%d.%s.%s.svc.%s:%d" (add 1000 $i) $fullname $i $headless $.Release.Namespace $.Values.clusterDomain (int $.Values.kafka.ports.controller)) }}
{{- end }}
{{- join "," $voters }}
{{- end }}

{{- define "consortia.zookeeperConnect" -}}
{{- $fullname := include "consortia.fullname" . }}
{{- $headless := include "consortia.zookeeperHeadless" . }}
{{- $servers := list }}
{{- range $i := until (int .Values.kafka.zookeeper.replicas) }}
{{- $servers = append $servers (printf "%s-zookeeper-%d.%s.%s.svc.%s:2181" $fullname $i $headless $.Release.Namespace $.Values.clusterDomain) }}
{{- end }}
{{- join "," $servers }}
{{- end }}

{{/* HTTP probes against a Fabric operations endpoint. Call with (dict "port" "operations" "probes" .Values.x.probes). */}}
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
    path: {{ .path | default "/healthz" }}
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

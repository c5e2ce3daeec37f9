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

{{/* Settings of peer N: Secret names, in-cluster host, and the endpoint other organizations use. Call with (dict "ctx" $ "index" N). */}}
{{- define "consortia.peerNode" -}}
{{- $node := dict }}
{{- if lt (int .index) (len .ctx.Values.peer.nodes) }}
{{- $node = index .ctx.Values.peer.nodes (int .index) }}
{{- end }}
{{- $host := printf "%s-peer%d.%s.svc.%s" (include "consortia.fullname" .ctx) (int .index) .ctx.Release.Namespace .ctx.Values.clusterDomain }}
mspSecret: {{ default (printf "%s-peer%d-msp" .ctx.Release.Name (int .index)) $node.mspSecret }}
tlsSecret: {{ default (printf "%s-peer%d-tls" .ctx.Release.Name (int .index)) $node.tlsSecret }}
address: {{ printf "%s:%d" $host (int .ctx.Values.peer.ports.grpc) }}
externalEndpoint: {{ default (printf "%s:%d" $host (int .ctx.Values.peer.ports.grpc)) $node.externalEndpoint }}
{{- end }}

{{/* In-cluster peer addresses, comma separated, for the DAPP and datasync to connect to. */}}
{{- define "consortia.peerAddresses" -}}
{{- $addresses := list }}
{{- range $i := until (int .Values.peer.replicas) }}
{{- $addresses = append $addresses (include "consortia.peerNode" (dict "ctx" $ "index" $i) | fromYaml).address }}
{{- end }}
{{- join "," $addresses }}
{{- end }}

{{- define "consortia.couchdbSecret" -}}
{{- default (printf "%s-couchdb" .Release.Name) .Values.couchdb.credentialsSecret }}
{{- end }}

{{- define "consortia.databaseSecret" -}}
{{- default (printf "%s-postgres" .Release.Name) .Values.database.existingSecret }}
{{- end }}

{{/* libpq environment (node-postgres reads it as is). Call with (dict "ctx" $ "secret" name). */}}
{{- define "consortia.postgresEnv" -}}
- name: PGHOST
  value: {{ .ctx.Values.database.host | quote }}
- name: PGPORT
  value: {{ .ctx.Values.database.port | quote }}
- name: PGDATABASE
  value: {{ .ctx.Values.database.name | quote }}
- name: PGSSLMODE
  value: {{ .ctx.Values.database.sslMode | quote }}
- name: PGUSER
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: username
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: password
{{- end }}

{{/* A client identity Secret (cert.pem, key.pem, tlscacert.pem) as a read-only volume. */}}
{{- define "consortia.identityVolume" -}}
name: identity
secret:
  secretName: {{ . }}
  defaultMode: 288 # 0440
  items:
    - key: cert.pem
      path: cert.pem
    - key: key.pem
      path: key.pem
    - key: tlscacert.pem
      path: tlscacert.pem
{{- end }}

{{/* Environment telling a Fabric client service who it is and where the peers are. */}}
{{- define "consortia.fabricClientEnv" -}}
- name: FABRIC_MSP_ID
  value: {{ .Values.org.mspId | quote }}
- name: FABRIC_CHANNEL
  value: {{ .Values.channel | quote }}
- name: FABRIC_CHAINCODE
  value: {{ .Values.chaincode.name | quote }}
- name: FABRIC_PEER_ENDPOINTS
  value: {{ include "consortia.peerAddresses" . | quote }}
- name: FABRIC_CERT_FILE
  value: /var/run/consortia/identity/cert.pem
- name: FABRIC_KEY_FILE
  value: /var/run/consortia/identity/key.pem
- name: FABRIC_TLS_CA_FILE
  value: /var/run/consortia/identity/tlscacert.pem
{{- end }}

{{/* The CouchDB container, used as the peer's sidecar or in its own StatefulSet. */}}
{{- define "consortia.couchdbContainer" -}}
{{- $c := .Values.couchdb }}
- name: couchdb
  image: {{ include "consortia.image" $c.image }}
  imagePullPolicy: {{ $c.image.pullPolicy }}
  env:
    - name: COUCHDB_USER
      valueFrom:
        secretKeyRef:
          name: {{ include "consortia.couchdbSecret" . }}
          key: username
    - name: COUCHDB_PASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ include "consortia.couchdbSecret" . }}
          key: password
  ports:
    - name: couchdb
      containerPort: {{ $c.port }}
  {{- include "consortia.httpProbes" (dict "port" "couchdb" "path" "/_up" "probes" $c.probes) | nindent 2 }}
  resources:
    {{- toYaml $c.resources | nindent 4 }}
  securityContext:
    {{- toYaml $c.securityContext | nindent 4 }}
  volumeMounts:
    - name: couchdb-data
      mountPath: /opt/couchdb/data
    - name: couchdb-config
      mountPath: /opt/couchdb/etc/default.d/10-consortia.ini
      subPath: 10-consortia.ini
      readOnly: true
{{- end }}

{{- /*
Kafka client settings of a service (the DAPP, datasync): TLS with an optional CA Secret (key ca.crt),
and SASL credentials from a Secret (keys username and password). Called with
(dict "ctx" $ "component" "dapp" "kafka" $values.kafka); renders a list of env entries.
*/}}
{{- define "consortia.kafkaEnv" -}}
{{- $k := .kafka -}}
{{- $env := list -}}
{{- if $k.tls.enabled }}
{{- $env = append $env (dict "name" "KAFKA_SSL" "value" "true") }}
{{- if $k.tls.caSecret }}
{{- $env = append $env (dict "name" "KAFKA_SSL_CA_FILE" "value" "/var/run/consortia/kafka-ca/ca.crt") }}
{{- end }}
{{- end }}
{{- if $k.sasl.enabled }}
{{- $secret := default (printf "%s-%s-kafka" .ctx.Release.Name .component) $k.sasl.credentialsSecret }}
{{- $env = append $env (dict "name" "KAFKA_SASL_MECHANISM" "value" $k.sasl.mechanism) }}
{{- $env = append $env (dict "name" "KAFKA_SASL_USERNAME" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "username"))) }}
{{- $env = append $env (dict "name" "KAFKA_SASL_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "password"))) }}
{{- end }}
{{- toYaml $env }}
{{- end }}

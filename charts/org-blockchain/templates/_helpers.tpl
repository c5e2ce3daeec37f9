{{/* Helpers of this chart only; the names, labels, pod-spec and workload helpers every Consortia chart shares come from the consortia-lib library chart. */}}

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
{{- if .ctx.Values.database.sslCaSecret }}
- name: PGSSLROOTCERT
  value: /etc/consortia/db-ca/ca.crt
{{- end }}
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

{{/* The database server's CA (database.sslCaSecret) as a volume and its mount at PGSSLROOTCERT's folder; empty without one. */}}
{{- define "consortia.databaseCa" -}}
{{- with .Values.database.sslCaSecret }}
volume:
  name: db-ca
  secret:
    secretName: {{ . }}
    defaultMode: 292 # 0444
    items:
      - key: ca.crt
        path: ca.crt
mount:
  name: db-ca
  mountPath: /etc/consortia/db-ca
  readOnly: true
{{- end }}
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

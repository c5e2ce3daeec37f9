{{/* Helpers of this chart only; the names, labels, pod-spec and workload helpers every Consortia chart shares come from the consortia-lib library chart. */}}

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

{{- /* The Kafka cluster runs under Kafka consensus, and under etcdraft while kafka.retain keeps it
     (a migration from Kafka, until every channel has left maintenance mode under Raft) */}}
{{- define "consortia.kafkaEnabled" -}}
{{- if or (eq .Values.consensus "kafka") .Values.kafka.retain }}true{{ end }}
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

{{/* Volumes in the layout Fabric expects, projected from Secrets. */}}

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

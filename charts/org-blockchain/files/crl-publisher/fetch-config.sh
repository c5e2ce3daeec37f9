# SPDX-License-Identifier: Apache-2.0
# The CRL publisher's first step, as the org admin (CORE_PEER_MSPCONFIGPATH): the channel's
# current config, decoded to JSON (common.Config) for the next step to compare.
peer channel fetch config "$CRL_WORK_DIR/config.block" -c "$CHANNEL" -o "$ORDERER" --tls --cafile "$ORDERER_TLS_CA"
configtxlator proto_decode --input "$CRL_WORK_DIR/config.block" --type common.Block --output "$CRL_WORK_DIR/block.json"
jq '.data.data[0].payload.data.config' "$CRL_WORK_DIR/block.json" > "$CRL_WORK_DIR/config.json"

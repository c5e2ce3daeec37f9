# SPDX-License-Identifier: Apache-2.0
# The CRL publisher's last step, as the org admin: when the comparing step wrote updated.json
# (the config with the CA's CRL in the org's MSP), the update from config.json to it, wrapped in
# an envelope (header type 2, CONFIG_UPDATE), signed and submitted by peer channel update.
if [ ! -f "$CRL_WORK_DIR/updated.json" ]; then
  echo "$CRL_MSP_ID: nothing to publish"
  exit 0
fi
cd "$CRL_WORK_DIR"
configtxlator proto_encode --input config.json --type common.Config --output original.pb
configtxlator proto_encode --input updated.json --type common.Config --output updated.pb
configtxlator compute_update --channel_id "$CHANNEL" --original original.pb --updated updated.pb --output update.pb
configtxlator proto_decode --input update.pb --type common.ConfigUpdate --output update.json
jq -n --arg channel "$CHANNEL" --slurpfile update update.json \
  '{payload: {header: {channel_header: {channel_id: $channel, type: 2}}, data: {config_update: $update[0]}}}' > envelope.json
configtxlator proto_encode --input envelope.json --type common.Envelope --output envelope.pb
peer channel update -f envelope.pb -c "$CHANNEL" -o "$ORDERER" --tls --cafile "$ORDERER_TLS_CA"
echo "$CRL_MSP_ID: the channel MSP now has the CA's CRL"

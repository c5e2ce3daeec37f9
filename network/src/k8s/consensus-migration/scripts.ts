// SPDX-License-Identifier: Apache-2.0
/**
 * The shell the migration's Jobs run in the fabric-tools image (peer CLI, configtxlator, jq), as
 * the ordering org's admin. Each Job reads every channel's config from the orderer first, and
 * acts on a channel by the table its step was given (editTable): a channel already there is left
 * as it is, one in an unexpected state stops the Job before anything is submitted.
 */
import type { ConsensusEdit, RaftMetadata } from '../../consensus-migration/consensus-type';
import { editTable } from './plan';

/** The orderer the Job talks to, with the ordering org's TLS CA. */
const ORDERER_TLS = '-o "$ORDERER" --tls --cafile /tls/ca.crt';
const VALUE = '.channel_group.groups.Orderer.values.ConsensusType.value';

/**
 * Shell functions every Job defines: the channel's config as JSON, its type/state, and `stop`,
 * whose reason is also the container's termination message, which the command reports.
 */
const PRELUDE = [
  'stop() { echo "$1"; echo "$1" > /dev/termination-log || true; }',
  'config_of() {',
  `  peer channel fetch config "/work/$1.block" -c "$1" ${ORDERER_TLS} 2>/work/fetch.log || { cat /work/fetch.log; return 1; }`,
  '  configtxlator proto_decode --input "/work/$1.block" --type common.Block --output "/work/$1.block.json"',
  '  jq \'.data.data[0].payload.data.config\' "/work/$1.block.json" > "/work/$1.json"',
  '}',
  'state_of() {',
  `  jq -r '${VALUE} | "\\(.type)-\\(.state // "STATE_NORMAL")"' "/work/$1.json"`,
  '}',
];

/**
 * The config update Job of one step: first every channel is read and checked against the table
 * (any channel to refuse stops the Job, nothing submitted); then each channel still to change
 * gets the update computed from its fetched config, submitted, and awaited in the config.
 */
export function configUpdateScript(
  goal: ConsensusEdit,
  metadata: RaftMetadata,
  channels: readonly string[],
): { script: string; inputs: Record<string, Buffer> } {
  const table = editTable(goal, metadata);
  const inputs: Record<string, Buffer> = {};
  const cases = table.map((row) => {
    if (row.patch) inputs[`patch-${row.key}.json`] = Buffer.from(JSON.stringify(row.patch));
    return `    ${row.key}) echo ${row.action} ;;`;
  });
  const done = table.filter((row) => row.action === 'skip').map((row) => row.key);
  const lines = [
    ...PRELUDE,
    'action_of() {',
    '  case "$1" in',
    ...cases,
    '    *) echo refuse ;;',
    '  esac',
    '}',
    `GOAL=${goal}`,
    `CHANNELS="${channels.join(' ')}"`,
    'refused=""',
    'for ch in $CHANNELS; do',
    '  config_of "$ch"',
    '  now=$(state_of "$ch")',
    '  echo "channel $ch: $now: $(action_of "$now")"',
    '  [ "$(action_of "$now")" != refuse ] || refused="$refused channel $ch is $now;"',
    'done',
    '[ -z "$refused" ] || { stop "refusing $GOAL:$refused nothing submitted"; exit 3; }',
    'for ch in $CHANNELS; do',
    '  now=$(state_of "$ch")',
    '  [ "$(action_of "$now")" = edit ] || continue',
    `  jq --slurpfile p "/inputs/patch-$now.json" '${VALUE} += $p[0]' "/work/$ch.json" > /work/updated.json`,
    '  configtxlator proto_encode --input "/work/$ch.json" --type common.Config --output /work/original.pb',
    '  configtxlator proto_encode --input /work/updated.json --type common.Config --output /work/updated.pb',
    '  configtxlator compute_update --channel_id "$ch" --original /work/original.pb --updated /work/updated.pb --output /work/update.pb',
    '  configtxlator proto_decode --input /work/update.pb --type common.ConfigUpdate --output /work/update.json',
    // HeaderType 2 is CONFIG_UPDATE; peer channel update signs it as the admin of CORE_PEER_LOCALMSPID
    `  jq -n --arg ch "$ch" --slurpfile u /work/update.json '{payload: {header: {channel_header: {channel_id: $ch, type: 2}}, data: {config_update: $u[0]}}}' > /work/envelope.json`,
    '  configtxlator proto_encode --input /work/envelope.json --type common.Envelope --output /work/envelope.pb',
    `  peer channel update -f /work/envelope.pb -c "$ch" ${ORDERER_TLS}`,
    '  tries=0',
    `  until config_of "$ch" && case "$(state_of "$ch")" in ${done.join('|') || 'none'}) true ;; *) false ;; esac; do`,
    '    tries=$((tries + 1)); [ "$tries" -lt 60 ] || { stop "channel $ch: the update is not in its config after 120 s"; exit 1; }; sleep 2',
    '  done',
    '  echo "channel $ch: $(state_of "$ch")"',
    'done',
  ];
  return { script: lines.join('\n'), inputs };
}

/**
 * The check Job after the restart: every channel is etcdraft in maintenance mode and each
 * orderer serves it at the same height (retried while the Raft clusters elect their leaders).
 */
export function checkChannelsScript(
  channels: readonly string[],
  orderers: readonly string[],
  timeoutSeconds: number,
): string {
  return [
    ...PRELUDE,
    `CHANNELS="${channels.join(' ')}"`,
    `ORDERERS="${orderers.join(' ')}"`,
    'for ch in $CHANNELS; do',
    '  config_of "$ch"',
    '  now=$(state_of "$ch")',
    '  [ "$now" = etcdraft-STATE_MAINTENANCE ] || { stop "channel $ch is $now, not etcdraft-STATE_MAINTENANCE"; exit 3; }',
    '  tries=0',
    '  while :; do',
    '    heights=""',
    '    for o in $ORDERERS; do',
    '      if peer channel fetch newest /work/newest.block -c "$ch" -o "$o" --tls --cafile /tls/ca.crt 2>/dev/null; then',
    "        h=$(configtxlator proto_decode --input /work/newest.block --type common.Block | jq -r '.header.number')",
    '      else h=none; fi',
    '      heights="$heights $o=$h"',
    '    done',
    '    echo "channel $ch:$heights"',
    `    distinct=$(echo "$heights" | tr ' ' '\\n' | sed -n 's/.*=//p' | sort -u)`,
    '    [ "$distinct" = none ] || { [ "$(echo "$distinct" | wc -l)" = 1 ] && break; }',
    `    tries=$((tries + 1)); [ "$tries" -lt ${Math.max(1, Math.ceil(timeoutSeconds / 5))} ] || { stop "channel $ch: the orderers' heights still differ:$heights"; exit 1; }; sleep 5`,
    '  done',
    'done',
  ].join('\n');
}

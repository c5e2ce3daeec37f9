// SPDX-License-Identifier: Apache-2.0
import { UserError } from '../errors';
import type { KubeClients } from './client';
import type { ChannelJoinOptions, JobOutcome, PeerEndpoint } from './jobs';
import { findPeers, readInput, runPeerJob } from './jobs';

/** The token the org initializes when it is the consortium's token admin. */
export interface TokenSetup {
  /** TOKEN_ADMIN_MSP: the organization the chaincode lets initialize the token. */
  adminMsp: string;
  name: string;
  symbol: string;
  decimals: number;
}

/** A peer of another organization whose endorsement the channel's policies need. */
export interface Endorser {
  address: string;
  /** Its organization's TLS CA certificate. */
  caFile: string;
}

export interface ChaincodeDeployOptions extends Omit<ChannelJoinOptions, 'channel'> {
  channel: string;
  name: string;
  version: string;
  sequence: number;
  packageFile: string;
  /** Also commit the definition (once enough organizations approved). */
  commit: boolean;
  token: TokenSetup;
  endorsers?: readonly Endorser[];
}

/** How long the Job waits for the chaincode service to answer before leaving the token for later. */
const TOKEN_TRIES = 12;
const TOKEN_RETRY_SECONDS = 5;

/** Peer flags naming the org's own peers and the extra endorsers, for commit and invoke. */
function endorsingPeers(peers: readonly PeerEndpoint[], endorsers: number): string {
  return [
    ...peers.map((peer) => `--peerAddresses ${peer.address} --tlsRootCertFiles /tls/ca.crt`),
    ...Array.from(
      { length: endorsers },
      (_, index) =>
        `--peerAddresses "$ENDORSER_${index}" --tlsRootCertFiles /inputs/endorser-${index}-ca.crt`,
    ),
  ].join(' ');
}

/** A shell function: true when the chaincode's definition is committed at CC_SEQUENCE. */
export const COMMITTED_FUNCTION =
  'committed() { peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" 2>/dev/null | grep -q "Sequence: $CC_SEQUENCE,"; }';

/** The peer CLI call that initializes the token (TOKEN_INIT), waiting until it commits. */
export function tokenInitCommand(peerFlags: string): string {
  return `peer chaincode invoke -o "$ORDERER" --tls --cafile "$ORDERER_CA_FILE" -C "$CHANNEL" -n "$CC_NAME" ${peerFlags} --waitForEvent -c "$TOKEN_INIT"`;
}

/**
 * Shell lines that initialize the token right after the definition is committed, when this org is
 * the token admin, and only once: a token that answers GetTokenInfo is left alone. The chaincode
 * refuses Initialize from any other org (TOKEN_ADMIN_MSP), so no other org can claim it.
 * They read CHANNEL, CC_NAME, ORDERER, ORDERER_CA_FILE, WORK_DIR and tokenInitEnv's variables,
 * and call COMMITTED_FUNCTION.
 */
export function tokenInitScript(peerFlags: string): string[] {
  const query = `peer chaincode query -C "$CHANNEL" -n "$CC_NAME" -c '{"function":"TokenContract:GetTokenInfo","Args":[]}'`;
  return [
    'if [ "$CORE_PEER_LOCALMSPID" != "$TOKEN_ADMIN_MSP" ]; then',
    '  echo "token: $TOKEN_ADMIN_MSP, its admin organization, initializes it"',
    'elif ! committed; then',
    '  echo "token: not initialized: the definition is not committed yet; run this again once it is"',
    'else',
    '  tries=0',
    '  while :; do',
    `    if ${query} > "$WORK_DIR/token.log" 2>&1; then echo "token: already initialized"; break; fi`,
    '    if grep -qi "not.initialized" "$WORK_DIR/token.log"; then',
    `      ${tokenInitCommand(peerFlags)}`,
    '      echo "token: initialized; $TOKEN_ADMIN_MSP is its admin organization and minter"',
    '      break',
    '    fi',
    '    tries=$((tries + 1))',
    '    if [ "$tries" -ge "$TOKEN_TRIES" ]; then',
    '      cat "$WORK_DIR/token.log"',
    '      echo "token: not initialized: the chaincode service does not answer (is chaincode.packageId set?); run this again once it runs"',
    '      break',
    '    fi',
    `    sleep ${TOKEN_RETRY_SECONDS}`,
    '  done',
    'fi',
  ];
}

/** Environment the token lines read. */
export function tokenInitEnv(token: TokenSetup): Record<string, string> {
  return {
    TOKEN_ADMIN_MSP: token.adminMsp,
    TOKEN_INIT: JSON.stringify({
      function: 'TokenContract:Initialize',
      Args: [token.name, token.symbol, String(token.decimals), ''],
    }),
    TOKEN_TRIES: String(TOKEN_TRIES),
  };
}

/**
 * Installs the package on every peer, approves the definition for the org, optionally commits it,
 * and initializes the token when the org is its admin. Running it again is safe: a definition
 * already committed at this sequence is neither approved nor committed again.
 */
export async function chaincodeDeploy(
  clients: KubeClients,
  options: ChaincodeDeployOptions,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const peers = await findPeers(clients, options.layout);
  const pkg = readInput(options.packageFile, 'chaincode package', '--package');
  if (pkg.length > 900 * 1024) {
    throw new UserError(
      `chaincode package ${options.packageFile} is ${Math.round(pkg.length / 1024)} KiB; a ConfigMap holds at most 1 MiB`,
      'deploy the chaincode as a service (a ccaas package holds only connection.json and metadata.json)',
    );
  }
  const endorsers = options.endorsers ?? [];
  const peerFlags = endorsingPeers(peers, endorsers.length);
  const orderer = '-o "$ORDERER" --tls --cafile "$ORDERER_CA_FILE"';
  const definition = '-C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" --sequence "$CC_SEQUENCE"';
  const script = [
    ...peers.map(
      (peer) =>
        `CORE_PEER_ADDRESS=${peer.address} peer lifecycle chaincode install /inputs/chaincode.tar.gz > /work/install.log 2>&1 || grep -q "already successfully installed" /work/install.log; cat /work/install.log`,
    ),
    'PACKAGE_ID=$(peer lifecycle chaincode calculatepackageid /inputs/chaincode.tar.gz)',
    'echo "package id: $PACKAGE_ID"',
    `export CORE_PEER_ADDRESS=${peers[0]?.address ?? ''}`,
    COMMITTED_FUNCTION,
    'if committed; then echo "definition already committed at sequence $CC_SEQUENCE"; else',
    `peer lifecycle chaincode approveformyorg ${orderer} ${definition} --package-id "$PACKAGE_ID"`,
    `peer lifecycle chaincode checkcommitreadiness ${definition} --output json`,
    ...(options.commit
      ? [
          `peer lifecycle chaincode commit ${orderer} ${definition} ${peerFlags}`,
          'peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME"',
        ]
      : []),
    'fi',
    ...tokenInitScript(peerFlags),
  ].join('\n');
  return runPeerJob(
    clients,
    {
      layout: options.layout,
      step: 'chaincode-deploy',
      script,
      env: {
        CHANNEL: options.channel,
        ORDERER: options.orderer,
        ORDERER_CA_FILE: '/inputs/orderer-ca.crt',
        WORK_DIR: '/work',
        CORE_PEER_LOCALMSPID: options.mspId,
        CC_NAME: options.name,
        CC_VERSION: options.version,
        CC_SEQUENCE: String(options.sequence),
        ...tokenInitEnv(options.token),
        ...Object.fromEntries(
          endorsers.map((endorser, index) => [`ENDORSER_${index}`, endorser.address]),
        ),
      },
      inputs: {
        'orderer-ca.crt': readInput(options.ordererCaFile, 'orderer TLS CA', '--orderer-ca'),
        'chaincode.tar.gz': pkg,
        ...Object.fromEntries(
          endorsers.map((endorser, index) => [
            `endorser-${index}-ca.crt`,
            readInput(endorser.caFile, 'endorsing peer TLS CA', '--endorsing-peer'),
          ]),
        ),
      },
      image: options.image,
      timeoutMs: options.timeoutMs,
      tlsPeerIndex: peers[0]?.index ?? 0,
    },
    progress,
  );
}

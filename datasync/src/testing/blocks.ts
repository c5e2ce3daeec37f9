// SPDX-License-Identifier: Apache-2.0
/**
 * Fabric blocks CONSTRUCTED with the fabric-protos message classes, shaped like the blocks a
 * Fabric 2.5 peer delivers (envelope, payload, channel and signature headers, endorser
 * transaction, chaincode action, read/write set, chaincode event, TRANSACTIONS_FILTER metadata,
 * config block). They are built here, not captured from a running network.
 */
import { createHash } from 'node:crypto';

import {
  ASSET_DOC_TYPE,
  ASSET_OBJECT_TYPE,
  AssetEvents,
  BALANCE_OBJECT_TYPE,
  CREDIT_OBJECT_TYPE,
  OWNER_INDEX,
  TokenEvents,
} from '@consortia/chaincode/contract';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

import { blockDataHash, blockHeaderHash } from '../decode/hash';

/** A self-signed test certificate (not a Fabric CA certificate) so the creator has a subject. */
export const TEST_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIICGzCCAcGgAwIBAgIUMuE++A5V1qSjj3USZzsVsE5SgdowCgYIKoZIzj0EAwIw
YjELMAkGA1UEBhMCVVMxHTAbBgNVBAoMFG9yZzEuY29uc29ydGlhLmxvY2FsMQ8w
DQYDVQQLDAZjbGllbnQxIzAhBgNVBAMMGlVzZXIxQG9yZzEuY29uc29ydGlhLmxv
Y2FsMCAXDTI2MTEyNTA1MTk1MFoYDzIxMjYxMTAxMDUxOTUwWjBiMQswCQYDVQQG
EwJVUzEdMBsGA1UECgwUb3JnMS5jb25zb3J0aWEubG9jYWwxDzANBgNVBAsMBmNs
aWVudDEjMCEGA1UEAwwaVXNlcjFAb3JnMS5jb25zb3J0aWEubG9jYWwwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATDPDVwpSAUx3OkEn3HyI7BrQBasN9oYDgGggNb
mL55qeWnzC+zCE46shhaQCCnZlT7xoC6ZDd95enfG4fvUVKko1MwUTAdBgNVHQ4E
FgQU4nE+4BQq2RFML1VFX8I/TbALnp8wHwYDVR0jBBgwFoAU4nE+4BQq2RFML1VF
X8I/TbALnp8wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiB75DgG
rmARTJpl0DSKCdvVq5Pr9yzg8/cJXZUMzmxh9gIhAIdiVmMuqztFw0mZ61kUjm9i
SKvQ8hbehxxGc5PMp5jo
-----END CERTIFICATE-----
`;

export interface WriteSpec {
  namespace?: string;
  key: string;
  value?: string;
  isDelete?: boolean;
}

export interface TxSpec {
  txId: string;
  chaincode?: string;
  args?: string[];
  mspId?: string;
  writes?: WriteSpec[];
  event?: { name: string; payload: string };
  validationCode?: number;
  timestamp?: Date;
  transient?: Record<string, string>;
}

export const compositeKey = (objectType: string, ...attributes: string[]) =>
  `\u0000${objectType}\u0000${attributes.map((attribute) => `${attribute}\u0000`).join('')}`;

function timestamp(date: Date): Timestamp {
  const value = new Timestamp();
  value.setSeconds(Math.floor(date.getTime() / 1000));
  value.setNanos((date.getTime() % 1000) * 1e6);
  return value;
}

function header(
  channel: string,
  type: number,
  txId: string,
  date: Date,
  mspId: string,
): common.Header {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(timestamp(date));
  const creator = new msp.SerializedIdentity();
  creator.setMspid(mspId);
  creator.setIdBytes(Buffer.from(TEST_CERTIFICATE));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator.serializeBinary());
  signatureHeader.setNonce(createHash('sha256').update(txId).digest().subarray(0, 24));
  const result = new common.Header();
  result.setChannelHeader(channelHeader.serializeBinary());
  result.setSignatureHeader(signatureHeader.serializeBinary());
  return result;
}

function envelope(payloadHeader: common.Header, data: Uint8Array): Uint8Array {
  const payload = new common.Payload();
  payload.setHeader(payloadHeader);
  payload.setData(data);
  const result = new common.Envelope();
  result.setPayload(payload.serializeBinary());
  result.setSignature(Buffer.from('constructed'));
  return result.serializeBinary();
}

export function kvRwSet(writes: WriteSpec[]): Uint8Array {
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  kv.setWritesList(
    writes.map((spec) => {
      const write = new ledger.rwset.kvrwset.KVWrite();
      write.setKey(spec.key);
      write.setIsDelete(Boolean(spec.isDelete));
      if (!spec.isDelete) write.setValue(Buffer.from(spec.value ?? ''));
      return write;
    }),
  );
  return kv.serializeBinary();
}

function endorserTransactionData(spec: TxSpec, chaincode: string): Uint8Array {
  const byNamespace = new Map<string, WriteSpec[]>();
  for (const write of spec.writes ?? []) {
    const namespace = write.namespace ?? chaincode;
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), write]);
  }
  const txRwSet = new ledger.rwset.TxReadWriteSet();
  txRwSet.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  txRwSet.setNsRwsetList(
    [...byNamespace].map(([namespace, writes]) => {
      const ns = new ledger.rwset.NsReadWriteSet();
      ns.setNamespace(namespace);
      ns.setRwset(kvRwSet(writes));
      return ns;
    }),
  );
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(chaincode);
  chaincodeId.setVersion('1.0');
  const action = new peer.ChaincodeAction();
  action.setResults(txRwSet.serializeBinary());
  action.setChaincodeId(chaincodeId);
  if (spec.event) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(chaincode);
    event.setTxId(spec.txId);
    event.setEventName(spec.event.name);
    event.setPayload(Buffer.from(spec.event.payload));
    action.setEvents(event.serializeBinary());
  }
  const response = new peer.Response();
  response.setStatus(200);
  action.setResponse(response);
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(createHash('sha256').update(spec.txId).digest());
  responsePayload.setExtension$(action.serializeBinary());

  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList((spec.args ?? ['Noop']).map((arg) => Buffer.from(arg)));
  const chaincodeSpec = new peer.ChaincodeSpec();
  chaincodeSpec.setType(peer.ChaincodeSpec.Type.NODE);
  chaincodeSpec.setChaincodeId(chaincodeId);
  chaincodeSpec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(chaincodeSpec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());
  for (const [name, value] of Object.entries(spec.transient ?? {})) {
    proposalPayload.getTransientmapMap().set(name, Buffer.from(value));
  }

  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayload.serializeBinary());
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);
  return transaction.serializeBinary();
}

export interface BuiltBlock {
  block: common.Block;
  hash: Buffer;
}

function assemble(
  number: number,
  previousHash: Uint8Array,
  data: Uint8Array[],
  filter: number[],
): BuiltBlock {
  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(number);
  blockHeader.setPreviousHash(previousHash);
  blockHeader.setDataHash(blockDataHash(data));
  const blockData = new common.BlockData();
  blockData.setDataList(data);
  const metadata = new common.BlockMetadata();
  const entries: Uint8Array[] = [
    new Uint8Array(),
    new Uint8Array(),
    new Uint8Array(),
    new Uint8Array(),
    new Uint8Array(),
  ];
  entries[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.from(filter);
  metadata.setMetadataList(entries);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(blockData);
  block.setMetadata(metadata);
  return { block, hash: blockHeaderHash(number, previousHash, blockHeader.getDataHash_asU8()) };
}

const BASE_TIME = Date.UTC(2026, 0, 1);

export function configBlock(
  channel: string,
  number = 0,
  previousHash: Uint8Array = new Uint8Array(),
  config: common.Config = new common.Config(),
): BuiltBlock {
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const data = envelope(
    header(
      channel,
      common.HeaderType.CONFIG,
      '',
      new Date(BASE_TIME + number * 1000),
      'OrdererMSP',
    ),
    configEnvelope.serializeBinary(),
  );
  return assemble(number, previousHash, [data], [peer.TxValidationCode.VALID]);
}

export function endorserBlock(
  channel: string,
  number: number,
  previousHash: Uint8Array,
  txs: TxSpec[],
  chaincode = 'consortia',
): BuiltBlock {
  const data = txs.map((spec) =>
    envelope(
      header(
        channel,
        common.HeaderType.ENDORSER_TRANSACTION,
        spec.txId,
        spec.timestamp ?? new Date(BASE_TIME + number * 1000),
        spec.mspId ?? 'Org1MSP',
      ),
      endorserTransactionData(spec, spec.chaincode ?? chaincode),
    ),
  );
  return assemble(
    number,
    previousHash,
    data,
    txs.map((spec) => spec.validationCode ?? peer.TxValidationCode.VALID),
  );
}

/**
 * A deterministic chain like the business chaincode's traffic: block 0 is a config block; each
 * later block creates an asset, credits a token account, updates the account's balance (folding
 * its credits), and carries one MVCC-invalidated transaction whose writes must never reach the
 * world state. Every fifth block deletes the asset created two blocks before.
 */
export function workloadChain(channel: string, blockCount: number, txPerBlock = 3): common.Block[] {
  const blocks: common.Block[] = [];
  let previous = configBlock(channel);
  blocks.push(previous.block);
  for (let number = 1; number < blockCount; number++) {
    const txs: TxSpec[] = [];
    for (let index = 0; index < txPerBlock; index++) {
      const txId = createHash('sha256').update(`${channel}/${number}/${index}`).digest('hex');
      const assetId = `A${number}-${index}`;
      const account = `acct${(number + index) % 4}`;
      if (index === txPerBlock - 1) {
        txs.push({
          txId,
          args: ['TokenContract:Transfer', account, '5'],
          writes: [{ key: compositeKey(BALANCE_OBJECT_TYPE, account), value: '999999' }],
          validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT,
          event: {
            name: TokenEvents.transferred,
            payload: JSON.stringify({ to: account, amount: '5' }),
          },
        });
        continue;
      }
      const asset = {
        attributes: { color: index % 2 === 0 ? 'red' : 'blue', serial: number * 10 + index },
        createdAt: new Date(BASE_TIME + number * 1000).toISOString(),
        docType: ASSET_DOC_TYPE,
        id: assetId,
        owner: { mspId: 'Org1MSP', ownerId: 'alice' },
        privateDetailsHash: '',
        status: 'ACTIVE',
        type: 'container',
        updatedAt: new Date(BASE_TIME + number * 1000).toISOString(),
      };
      const writes: WriteSpec[] = [
        { key: compositeKey(ASSET_OBJECT_TYPE, assetId), value: JSON.stringify(asset) },
        { key: compositeKey(OWNER_INDEX, 'Org1MSP', 'alice', assetId), value: '\u0000' },
        { key: compositeKey(CREDIT_OBJECT_TYPE, account, txId), value: String(10 + index) },
      ];
      if (number % 5 === 0 && index === 0) {
        writes.push({ key: compositeKey(ASSET_OBJECT_TYPE, `A${number - 2}-0`), isDelete: true });
      }
      txs.push({
        txId,
        args: ['AssetContract:CreateAsset', assetId, 'container', 'alice', '{}'],
        writes,
        event: {
          name: AssetEvents.created,
          payload: JSON.stringify({ asset, correlationId: `corr-${number}-${index}` }),
        },
      });
    }
    previous = endorserBlock(channel, number, previous.hash, txs);
    blocks.push(previous.block);
  }
  return blocks;
}

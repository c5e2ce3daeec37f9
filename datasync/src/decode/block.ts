// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';

import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';

import { blockDataHash, blockHeaderHash } from './hash';
import type { DecodedBlock, DecodedEvent, DecodedTransaction, DecodedWrite } from './types';

/** Private write sets by transaction index in the block, as the peer delivers them to entitled orgs. */
export type PrivateDataByTx = ReadonlyMap<number, ledger.rwset.TxPvtReadWriteSet>;

const HEADER_TYPE_NAMES = invert(common.HeaderType);
const VALIDATION_CODE_NAMES = invert(peer.TxValidationCode);
const CORRELATION_FIELDS = ['correlationId', 'x-correlation-id'];

function invert(map: object): Map<number, string> {
  return new Map(Object.entries(map).map(([name, code]) => [Number(code), name]));
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function toDate(timestamp: { getSeconds(): number; getNanos(): number } | undefined): Date | null {
  if (!timestamp) return null;
  return new Date(timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6));
}

// A channel has few creators, and parsing an X.509 certificate costs more than the rest of a
// transaction's decoding: subjects are remembered by certificate (a bounded number of them).
const SUBJECTS = new Map<string, string | null>();
const MAX_SUBJECTS = 1_000;

function certificateSubject(idBytes: Uint8Array): string | null {
  if (idBytes.length === 0) return null;
  const id = Buffer.from(idBytes).toString('latin1');
  const known = SUBJECTS.get(id);
  if (known !== undefined) return known;
  let subject: string | null;
  try {
    subject = new X509Certificate(Buffer.from(idBytes)).subject.replace(/\n/g, ',');
  } catch {
    subject = null;
  }
  if (SUBJECTS.size >= MAX_SUBJECTS) SUBJECTS.clear();
  SUBJECTS.set(id, subject);
  return subject;
}

function decodeKvWrites(namespace: string, collection: string, rwset: Uint8Array): DecodedWrite[] {
  const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(rwset);
  return kv.getWritesList().map((write) => ({
    namespace,
    collection,
    key: write.getKey(),
    value: write.getIsDelete() ? null : Buffer.from(write.getValue_asU8()),
    isDelete: write.getIsDelete(),
  }));
}

function decodePublicWrites(results: Uint8Array): DecodedWrite[] {
  if (results.length === 0) return [];
  const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  return txRwSet
    .getNsRwsetList()
    .flatMap((ns) => decodeKvWrites(ns.getNamespace(), '', ns.getRwset_asU8()));
}

function decodePrivateWrites(
  privateSet: ledger.rwset.TxPvtReadWriteSet | undefined,
): DecodedWrite[] {
  if (!privateSet) return [];
  return privateSet
    .getNsPvtRwsetList()
    .flatMap((ns) =>
      ns
        .getCollectionPvtRwsetList()
        .flatMap((collection) =>
          decodeKvWrites(
            ns.getNamespace(),
            collection.getCollectionName(),
            collection.getRwset_asU8(),
          ),
        ),
    );
}

function decodeEvent(bytes: Uint8Array): DecodedEvent | undefined {
  if (bytes.length === 0) return undefined;
  const event = peer.ChaincodeEvent.deserializeBinary(bytes);
  if (!event.getEventName()) return undefined;
  return {
    chaincode: event.getChaincodeId(),
    name: event.getEventName(),
    payload: Buffer.from(event.getPayload_asU8()),
  };
}

function correlationFrom(
  proposalPayload: peer.ChaincodeProposalPayload,
  events: DecodedEvent[],
): string | null {
  // Orderers strip the transient map before a transaction reaches the ledger; read it if present.
  const transient = proposalPayload.getTransientmapMap();
  for (const field of CORRELATION_FIELDS) {
    const value = transient.get(field);
    if (value !== undefined) return Buffer.from(value).toString('utf8');
  }
  for (const event of events) {
    try {
      const parsed: unknown = JSON.parse(event.payload.toString('utf8'));
      if (parsed && typeof parsed === 'object' && 'correlationId' in parsed) {
        const id = parsed.correlationId;
        if (typeof id === 'string' && id.length > 0) return id;
      }
    } catch {
      // not JSON: no correlation id
    }
  }
  return null;
}

interface EndorserContent {
  chaincode: string | null;
  functionName: string | null;
  correlationId: string | null;
  writes: DecodedWrite[];
  events: DecodedEvent[];
}

function decodeEndorserTransaction(data: Uint8Array): EndorserContent {
  const content: EndorserContent = {
    chaincode: null,
    functionName: null,
    correlationId: null,
    writes: [],
    events: [],
  };
  const transaction = peer.Transaction.deserializeBinary(data);
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
      actionPayload.getChaincodeProposalPayload_asU8(),
    );
    const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(
      proposalPayload.getInput_asU8(),
    );
    const spec = invocation.getChaincodeSpec();
    const firstArg = spec?.getInput()?.getArgsList_asU8()[0];
    content.chaincode ??= spec?.getChaincodeId()?.getName() || null;
    content.functionName ??= firstArg ? Buffer.from(firstArg).toString('utf8') : null;

    const endorsed = actionPayload.getAction();
    if (endorsed) {
      const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
        endorsed.getProposalResponsePayload_asU8(),
      );
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
        responsePayload.getExtension_asU8(),
      );
      content.chaincode ??= chaincodeAction.getChaincodeId()?.getName() || null;
      content.writes.push(...decodePublicWrites(chaincodeAction.getResults_asU8()));
      const event = decodeEvent(chaincodeAction.getEvents_asU8());
      if (event) content.events.push(event);
    }
    content.correlationId ??= correlationFrom(proposalPayload, content.events);
  }
  return content;
}

export function decodeEnvelope(
  data: Uint8Array,
  index: number,
  validationCode: number,
  privateData: PrivateDataByTx | undefined,
): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(data);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  const channelHeader = common.ChannelHeader.deserializeBinary(
    header?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    header?.getSignatureHeader_asU8() ?? new Uint8Array(),
  );
  const creatorBytes = signatureHeader.getCreator_asU8();
  const creator =
    creatorBytes.length > 0 ? msp.SerializedIdentity.deserializeBinary(creatorBytes) : undefined;
  const type = channelHeader.getType();
  const endorser =
    type === common.HeaderType.ENDORSER_TRANSACTION
      ? decodeEndorserTransaction(payload.getData_asU8())
      : undefined;
  const valid = validationCode === peer.TxValidationCode.VALID;
  return {
    index,
    txId: channelHeader.getTxId(),
    type: HEADER_TYPE_NAMES.get(type) ?? `TYPE_${type}`,
    timestamp: toDate(channelHeader.getTimestamp()),
    creatorMsp: creator?.getMspid() || null,
    creatorSubject: creator ? certificateSubject(creator.getIdBytes_asU8()) : null,
    chaincode: endorser?.chaincode ?? null,
    functionName: endorser?.functionName ?? null,
    validationCode,
    validationName: VALIDATION_CODE_NAMES.get(validationCode) ?? `CODE_${validationCode}`,
    correlationId: endorser?.correlationId ?? null,
    writes: [
      ...(endorser?.writes ?? []),
      ...(valid ? decodePrivateWrites(privateData?.get(index)) : []),
    ],
    events: endorser?.events ?? [],
  };
}

/**
 * Decodes a block (and, for an entitled org, its private write sets) into plain records.
 * Transactions get their validation code from the TRANSACTIONS_FILTER metadata; a block
 * whose only envelope is a CONFIG transaction is a config block.
 */
export function decodeBlock(block: common.Block, privateData?: PrivateDataByTx): DecodedBlock {
  const header = block.getHeader();
  if (!header) throw new Error('block without a header');
  const entries = block.getData()?.getDataList_asU8() ?? [];
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const filter = metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
  const previousHash = header.getPreviousHash_asU8();
  const dataHash = header.getDataHash_asU8();
  const transactions = entries.map((entry, index) =>
    // without a filter (e.g. the genesis block), the orderer's decision stands: VALID
    decodeEnvelope(entry, index, filter[index] ?? peer.TxValidationCode.VALID, privateData),
  );
  const firstEnvelope = transactions[0];
  let channel = '';
  if (entries[0]) {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(entries[0]).getPayload_asU8(),
    );
    channel = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    ).getChannelId();
  }
  return {
    channel,
    number: header.getNumber(),
    hash: hex(blockHeaderHash(header.getNumber(), previousHash, dataHash)),
    previousHash: hex(previousHash),
    dataHash: hex(dataHash),
    dataHashValid: blockDataHash(entries).equals(Buffer.from(dataHash)),
    isConfig: transactions.length > 0 && transactions.every((tx) => tx.type === 'CONFIG'),
    timestamp: firstEnvelope?.timestamp ?? null,
    transactions,
  };
}

export function decodeBlockBytes(bytes: Uint8Array, privateData?: PrivateDataByTx): DecodedBlock {
  return decodeBlock(common.Block.deserializeBinary(bytes), privateData);
}

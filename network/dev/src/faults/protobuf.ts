// SPDX-License-Identifier: Apache-2.0
/**
 * Just enough of the protobuf wire format to read Fabric blocks: the fault suite checks the
 * ledger with its own reader, independent of the block decoder datasync uses, so a decoding
 * defect there cannot hide a lost or duplicated transaction here.
 */

type Fields = Map<number, Uint8Array[]>;

function varint(bytes: Uint8Array, start: number): [number, number] {
  let value = 0;
  let shift = 0;
  let offset = start;
  for (;;) {
    const byte = bytes[offset++];
    if (byte === undefined) throw new Error('truncated protobuf varint');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, offset];
    shift += 7;
  }
}

/** Length-delimited fields by number (varints are returned as their decimal text's bytes). */
function fields(bytes: Uint8Array): Fields {
  const out: Fields = new Map();
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, next] = varint(bytes, offset);
    offset = next;
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    let value: Uint8Array;
    if (wire === 0) {
      const [decoded, after] = varint(bytes, offset);
      value = Buffer.from(String(decoded));
      offset = after;
    } else if (wire === 2) {
      const [length, after] = varint(bytes, offset);
      value = bytes.subarray(after, after + length);
      offset = after + length;
    } else if (wire === 1) {
      value = bytes.subarray(offset, offset + 8);
      offset += 8;
    } else if (wire === 5) {
      value = bytes.subarray(offset, offset + 4);
      offset += 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
    const list = out.get(number) ?? [];
    list.push(value);
    out.set(number, list);
  }
  return out;
}

const EMPTY = new Uint8Array();
const one = (message: Fields, field: number): Uint8Array => message.get(field)?.[0] ?? EMPTY;
const all = (message: Fields, field: number): Uint8Array[] => message.get(field) ?? [];
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const number = (bytes: Uint8Array): number => (bytes.length === 0 ? 0 : Number(text(bytes)));

export interface LedgerWrite {
  namespace: string;
  key: string;
  value: string;
}

export interface LedgerTransaction {
  index: number;
  txId: string;
  valid: boolean;
  writes: LedgerWrite[];
  /** The chaincode event's name, '' when the transaction set none. */
  eventName: string;
  /** The chaincode that set it. */
  eventChaincode: string;
}

export interface LedgerBlock {
  number: number;
  transactions: LedgerTransaction[];
}

const ENDORSER_TRANSACTION = 3;
const TRANSACTIONS_FILTER = 2;

type EndorserContent = Pick<LedgerTransaction, 'writes' | 'eventName' | 'eventChaincode'>;

function endorserContent(data: Uint8Array): EndorserContent {
  const writes: LedgerWrite[] = [];
  let eventName = '';
  let eventChaincode = '';
  // Transaction.actions(1) → TransactionAction.payload(2) → ChaincodeActionPayload.action(2)
  // → ChaincodeEndorsedAction.proposal_response_payload(1) → ProposalResponsePayload.extension(2)
  // → ChaincodeAction{results(1), events(2)}
  for (const action of all(fields(data), 1)) {
    const actionPayload = fields(one(fields(action), 2));
    const endorsed = fields(one(actionPayload, 2));
    const responsePayload = fields(one(endorsed, 1));
    const chaincodeAction = fields(one(responsePayload, 2));
    // TxReadWriteSet.ns_rwset(2) → NsReadWriteSet{namespace(1), rwset(2)} → KVRWSet.writes(3)
    for (const ns of all(fields(one(chaincodeAction, 1)), 2)) {
      const nsFields = fields(ns);
      const namespace = text(one(nsFields, 1));
      for (const write of all(fields(one(nsFields, 2)), 3)) {
        const kv = fields(write);
        writes.push({ namespace, key: text(one(kv, 1)), value: text(one(kv, 3)) });
      }
    }
    // ChaincodeEvent{chaincode_id(1), tx_id(2), event_name(3), payload(4)}
    const events = one(chaincodeAction, 2);
    if (events.length > 0) {
      const event = fields(events);
      if (one(event, 3).length > 0) {
        eventName = text(one(event, 3));
        eventChaincode = text(one(event, 1));
      }
    }
  }
  return { writes, eventName, eventChaincode };
}

/** A block as qscc's GetBlockByNumber returns it. */
export function decodeBlock(bytes: Uint8Array): LedgerBlock {
  const block = fields(bytes);
  const header = fields(one(block, 1));
  const entries = all(fields(one(block, 2)), 1);
  const filter = all(fields(one(block, 3)), 1)[TRANSACTIONS_FILTER] ?? EMPTY;
  const transactions = entries.map((entry, index): LedgerTransaction => {
    const payload = fields(one(fields(entry), 1));
    const channelHeader = fields(one(fields(one(payload, 1)), 1));
    const type = number(one(channelHeader, 1));
    const content =
      type === ENDORSER_TRANSACTION
        ? endorserContent(one(payload, 2))
        : { writes: [], eventName: '', eventChaincode: '' };
    return {
      index,
      txId: text(one(channelHeader, 5)),
      // without a filter (the genesis block) the orderer's decision stands
      valid: (filter[index] ?? 0) === 0,
      ...content,
    };
  });
  return { number: number(one(header, 1)), transactions };
}

/** BlockchainInfo.height from qscc's GetChainInfo. */
export function decodeChainHeight(bytes: Uint8Array): number {
  return number(one(fields(bytes), 1));
}

// SPDX-License-Identifier: Apache-2.0
import { peer } from '@hyperledger/fabric-protos';

/**
 * Reads chaincode definitions from the `_lifecycle` namespace's public state, which datasync
 * mirrors like any other namespace. Fabric stores each committed definition as
 * `namespaces/fields/<name>/<Field>` keys, each holding a protobuf `StateData` message.
 */

const { StateData, ChaincodeEndorsementInfo, ChaincodeValidationInfo } = peer.lifecycle;

export interface LifecycleRow {
  key: string;
  value: Buffer;
  blockNumber: number;
  txIndex: number;
  txId: string;
}

export interface ChaincodeDefinition {
  name: string;
  sequence?: number;
  version?: string;
  initRequired?: boolean;
  endorsementPlugin?: string;
  validationPlugin?: string;
  definedIn?: { blockNumber: number; txIndex: number; txId: string };
}

const FIELD_KEY = /^namespaces\/fields\/([^/]+)\/(Sequence|EndorsementInfo|ValidationInfo)$/;

/** Chaincode definitions from `_lifecycle` world-state rows; malformed values are skipped. */
export function chaincodeDefinitions(rows: readonly LifecycleRow[]): ChaincodeDefinition[] {
  const definitions = new Map<string, ChaincodeDefinition>();
  for (const row of rows) {
    const match = FIELD_KEY.exec(row.key);
    if (!match?.[1] || !match[2]) continue;
    const [name, field] = [match[1], match[2]];
    const definition = definitions.get(name) ?? { name };
    definitions.set(name, definition);
    try {
      const data = StateData.deserializeBinary(row.value);
      if (field === 'Sequence' && data.hasInt64()) {
        definition.sequence = data.getInt64();
        // the Sequence key is rewritten by every commit of a new definition
        definition.definedIn = {
          blockNumber: row.blockNumber,
          txIndex: row.txIndex,
          txId: row.txId,
        };
      } else if (field === 'EndorsementInfo' && data.hasBytes()) {
        const info = ChaincodeEndorsementInfo.deserializeBinary(data.getBytes_asU8());
        definition.version = info.getVersion();
        definition.initRequired = info.getInitRequired();
        definition.endorsementPlugin = info.getEndorsementPlugin();
      } else if (field === 'ValidationInfo' && data.hasBytes()) {
        const info = ChaincodeValidationInfo.deserializeBinary(data.getBytes_asU8());
        definition.validationPlugin = info.getValidationPlugin();
      }
    } catch {
      // a value that is not the protobuf Fabric writes: show what the other fields give
    }
  }
  return [...definitions.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

/**
 * The external builder for chaincode-as-a-service packages: small detect/build/release scripts
 * shipped with this workspace, referenced by every peer's core.yaml.
 */
export const CCAAS_BUILDER_DIR = path.resolve(__dirname, '..', '..', 'builders', 'ccaas');

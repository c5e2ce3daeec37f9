// SPDX-License-Identifier: Apache-2.0
// Loads the compiled chaincode the way `fabric-chaincode-node server` does
// (package.json `main`, then ChaincodeFromContract) and prints the contract
// metadata that org.hyperledger.fabric:GetMetadata serves, plus schema errors.
'use strict';

// The contract API logs every decorator at info level to stdout.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'error';

const path = require('node:path');
const fs = require('node:fs');

const chaincodeDir = path.resolve(__dirname, '..', '..');
const shimDir = path.dirname(require.resolve('fabric-shim/package.json'));
const Bootstrap = require(path.join(shimDir, 'lib/contract-spi/bootstrap.js'));
const ChaincodeFromContract = require(
  path.join(shimDir, 'lib/contract-spi/chaincodefromcontract.js'),
);

const { contracts, serializers, title, version } = Bootstrap.getInfoFromContract(chaincodeDir);
const chaincode = new ChaincodeFromContract(contracts, serializers, {}, title, version);
const metadata = JSON.parse(JSON.stringify(chaincode.metadata));

// Validate against the schema fabric-contract-api publishes for metadata files.
const Ajv = require(require.resolve('ajv', { paths: [shimDir] }));
const schemaPath = path.join(
  path.dirname(require.resolve('fabric-contract-api/package.json')),
  'schema',
  'contract-schema.json',
);
const ajv = new Ajv({ schemaId: 'id', logger: false });
ajv.addMetaSchema(
  require(require.resolve('ajv/lib/refs/json-schema-draft-04.json', { paths: [shimDir] })),
);
const valid = ajv.validate(JSON.parse(fs.readFileSync(schemaPath, 'utf8')), metadata);

process.stdout.write(JSON.stringify({ metadata, schemaErrors: valid ? [] : ajv.errors }));

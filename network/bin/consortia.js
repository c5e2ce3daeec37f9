#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
'use strict';
// Entry point of the `consortia` command; the implementation is compiled to dist/ by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');

const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  console.error(
    'consortia: the CLI is not built yet. Run `npm ci && npm run build` at the repository root.',
  );
  process.exit(1);
}
require(main).run(process.argv);

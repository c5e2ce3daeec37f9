// SPDX-License-Identifier: Apache-2.0
// The consortia CLI run from its sources, so the migration test can run and interrupt it as a
// process of its own without a build.
import { run } from '../../src/cli/main';

void run(process.argv);

// SPDX-License-Identifier: Apache-2.0
// An application's event receiver as a process of its own (spawned by events-receiver.ts): an
// HTTPS webhook endpoint that verifies each batch's signature, and a WebSocket client of the
// app-api that acknowledges each batch. Every event it gets is appended to a file (one JSON
// line per event, one file per transport) BEFORE the batch is answered or acknowledged, so a
// receiver killed at any moment has stored all it acknowledged, and whatever it had not
// acknowledged comes again. Settings come from RECEIVER_* variables (see events-receiver.ts).
import fs from 'node:fs';

import type { StreamEvent } from '../../src/events/model';
import { EventClient } from './event-client';
import { WebhookReceiver } from './webhook-receiver';

const setting = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

let batches = 0;
/** Dies by SIGKILL after storing this many batches, before answering the last one (0: never). */
const dieAfter = Number(process.env.RECEIVER_DIE_AFTER_BATCHES ?? 0);

function store(file: string, events: StreamEvent[]): void {
  // appendFileSync: written to the file before the answer goes out, even if killed just after
  fs.appendFileSync(file, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  if (++batches === dieAfter) process.kill(process.pid, 'SIGKILL');
}

async function main(): Promise<void> {
  const webhook = new WebhookReceiver();
  webhook.secret = setting('RECEIVER_WEBHOOK_SECRET');
  webhook.requireSignature = true;
  const webhookFile = setting('RECEIVER_WEBHOOK_FILE');
  webhook.onAccepted = (delivery) => store(webhookFile, delivery.events);
  await webhook.start(
    { cert: setting('RECEIVER_CERT_FILE'), key: setting('RECEIVER_KEY_FILE') },
    Number(setting('RECEIVER_WEBHOOK_PORT')),
  );

  const socketFile = setting('RECEIVER_WEBSOCKET_FILE');
  const token = setting('RECEIVER_TOKEN');
  const client = new EventClient(setting('RECEIVER_API'), setting('RECEIVER_SUBSCRIPTION'), {
    token: () => token,
    reconnectMs: 250,
    onBatch: (batch) => store(socketFile, batch.events),
  });
  client.start();
  process.stdout.write('ready\n');

  process.once('SIGTERM', () => {
    client.stop();
    void webhook.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`receiver failed: ${String(error)}\n`);
  process.exit(1);
});

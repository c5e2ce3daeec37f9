// SPDX-License-Identifier: Apache-2.0
import type { ReadinessChecks } from '@consortia/common';
import { serviceApp } from '@consortia/common';
import type { Express } from 'express';

import type { SyncMetrics } from './metrics';

/** Health, readiness and metrics; datasync serves nothing else over HTTP. */
export function createApp(metrics: SyncMetrics, checks: ReadinessChecks): Express {
  return serviceApp({ metrics, checks });
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The explorer's own figures, on its /metrics. */
export class ExplorerMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'explorer_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'explorer_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly liveClients = new Gauge({
    name: 'explorer_live_clients',
    help: 'Browsers connected to the live block stream',
    registers: [this.registry],
  });
  readonly liveBlocks = new Counter({
    name: 'explorer_live_blocks_total',
    help: 'Blocks announced on the live stream',
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'explorer_logins_total',
    help: 'Login attempts by outcome (ok, refused, throttled)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor(withDefaults = true) {
    if (withDefaults) collectDefaultMetrics({ register: this.registry, prefix: 'explorer_' });
  }
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The server's Prometheus metrics, served at `/metrics`. */
export class Metrics {
  readonly registry = new Registry()
  /** Events accepted by this edge (202). */
  readonly eventsIn = this.#counter('sequitur_events_in_total', 'Events accepted by this edge')
  /** Events refused by this edge with `429`, over their site's quota. */
  readonly eventsLimited = this.#counter('sequitur_events_rate_limited_total', "Events refused by this edge (429) over their site's quota")
  /** Events applied by this processor. */
  readonly eventsOut = this.#counter('sequitur_events_processed_total', 'Events applied to the model by this processor')
  /** Row changes published by this processor (embedded mode: the changed rows some client holds; the others are derived when read). */
  readonly rowsPublished = this.#counter(
    'sequitur_rows_published_total',
    'Changed rows published to the row feed by this processor (embedded mode: those some client holds)',
  )
  /** Events dropped by the take-rate join for arriving after their window and the allowed lateness. */
  readonly lateEvents = this.#counter(
    'sequitur_late_events_dropped_total',
    'Impressions and clicks dropped for arriving later than the allowed lateness',
  )
  /** HTTP answers of this edge by route (a bounded set: `routeLabel`) and status code. */
  readonly responses = new Counter({
    name: 'sequitur_http_responses_total',
    help: 'HTTP answers by route and status code (WebSocket upgrades and errors of the HTTP parser are not counted)',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  })
  /** Worker threads that died and were started again: the embedded log and commit writers, Kafka's stage threads. */
  readonly threadRestarts = new Counter({
    name: 'sequitur_thread_restarts_total',
    help: 'Worker threads that stopped unexpectedly and were started again',
    labelNames: ['thread'],
    registers: [this.registry],
  })
  /** Event time → changed row received by the edge, in seconds. */
  readonly freshness = new Histogram({
    name: 'sequitur_freshness_seconds',
    help: 'Time from an event to its changed rows reaching this edge (Kafka: from the event ts; embedded: from the log receiving it)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  })
  /** Consumer lag per group, topic and partition (set at scrape time). */
  readonly lag = new Gauge({
    name: 'sequitur_consumer_lag',
    help: 'Records in the partition not yet committed by the consumer group',
    labelNames: ['group', 'topic', 'partition'],
    registers: [this.registry],
  })

  /** Each site's self-validated HR@20 and MRR@20 (set at scrape time). */
  readonly validatedHr = new Gauge({
    name: 'sequitur_validated_hr20',
    help: "HR@20 of the site's chosen scorer parameters on its latest validated day",
    labelNames: ['site'],
    registers: [this.registry],
  })
  readonly validatedMrr = new Gauge({
    name: 'sequitur_validated_mrr20',
    help: "MRR@20 of the site's chosen scorer parameters on its latest validated day",
    labelNames: ['site'],
    registers: [this.registry],
  })

  #validationSource: (() => Array<{ site: string; hr: number; mrr: number }>) | undefined
  #lagSource: (() => Promise<Array<{ group: string; topic: string; partition: number; lag: number }>>) | undefined

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sequitur_' })
  }

  #counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] })
  }

  /** Counts `status` answered on `path`. */
  respond(path: string, status: number): void {
    this.responses.inc({ route: routeLabel(path), status: String(status) })
  }

  /** Sets where consumer lag is read from at each scrape. */
  collectLag(source: () => Promise<Array<{ group: string; topic: string; partition: number; lag: number }>>): void {
    this.#lagSource = source
  }

  /** Sets where each site's validated figures are read from at each scrape. */
  collectValidation(source: () => Array<{ site: string; hr: number; mrr: number }>): void {
    this.#validationSource = source
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    if (this.#validationSource) {
      this.validatedHr.reset()
      this.validatedMrr.reset()
      for (const { site, hr, mrr } of this.#validationSource()) {
        this.validatedHr.set({ site }, hr)
        this.validatedMrr.set({ site }, mrr)
      }
    }
    if (this.#lagSource) {
      const lags = await this.#lagSource().catch(() => [])
      this.lag.reset()
      for (const { lag, partition, ...labels } of lags) this.lag.set({ ...labels, partition: String(partition) }, lag)
    }
    return this.registry.metrics()
  }
}

const ROUTES = ['/v1/events', '/v1/rows', '/v1/stream', '/v1/catalog', '/v1/profiles', '/v1/trending', '/v1/model', '/v1/admin/sites', '/v1/admin', '/healthz', '/metrics', '/openapi.json']

/** A path's route for a label: one of a fixed few, so a client cannot grow the label set. */
export function routeLabel(path: string): string {
  for (const route of ROUTES) if (path === route || path.startsWith(`${route}/`)) return route
  return path.startsWith('/v1/') ? '/v1/other' : 'static'
}

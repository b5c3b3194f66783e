/**
 * `server/src/main.ts` with per-site event quotas from `SEQUITUR_DEV_QUOTAS`, a JSON object
 * `{"<site>": {"eventsPerSecond": 1000, "burst": 2000}}`, for benches and e2e tests until sites
 * carry their quotas in the site registry. Sites it does not name are unlimited.
 */
import * as v from 'valibot'
import { loadConfig } from '../src/config'
import type { SiteQuota } from '../src/http'
import { startServer } from '../src/server'

const QuotasSchema = v.record(
  v.string(),
  v.object({ eventsPerSecond: v.nullable(v.pipe(v.number(), v.minValue(0))), burst: v.pipe(v.number(), v.minValue(0)) }),
)

const config = loadConfig()
const quotas = new Map<string, SiteQuota>(
  Object.entries(v.parse(QuotasSchema, JSON.parse(process.env.SEQUITUR_DEV_QUOTAS ?? '{}'))).map(([site, q]) => [site, { ...q, connections: null }]),
)
const server = await startServer(config, { quotaOf: (site) => quotas.get(site) })
console.log(`sequitur: quotas ${JSON.stringify(Object.fromEntries(quotas))}`)
console.log(`sequitur: listening on http://localhost:${server.port}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0), () => process.exit(1)))
}

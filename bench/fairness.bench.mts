/**
 * Fairness: a quiet site's freshness (event posted → its changed row pushed to a WebSocket
 * subscriber) alone, then while a second site with a quota floods the same edge at 10× that quota
 * (most of its batches answered 429), in embedded mode and in Kafka mode (1 edge + 1 processor on a
 * local broker), in one run. The flood is bench/load.mts as its own process on a fixed schedule.
 */
import { startLocalBroker } from '../server/dev/local-broker'
import { spawnNode, type NodeProcess } from '../server/dev/test-cluster'
import { probeFreshness, runLoad, type LoadResult } from './clients.mts'
import { percentile, quick, report, round } from './suite.mts'

/** The flooding site's quota: what a site created through the operator API gets by default. */
const QUOTA = { eventsPerSecond: 1000, burst: 2000 }
const FLOOD = 10 * QUOTA.eventsPerSecond
const seconds = quick ? 8 : 20
const OPERATOR = 'fairness-bench-operator-token'
const sites = { SEQUITUR_SITES: 'demo,flood', SEQUITUR_OPERATOR_TOKEN: OPERATOR }

/** Gives site `flood` its quota through the operator API, as an operator would. */
async function limitFlood(edge: NodeProcess): Promise<void> {
  const response = await fetch(`${edge.url}/v1/admin/sites/flood`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify({ quota: QUOTA }),
  })
  if (!response.ok) throw new Error(`setting the flood's quota: ${response.status} ${await response.text()}`)
}

interface Phase {
  quiet: number[]
  flooded: number[]
  flood: LoadResult
}

/**
 * Probes until rows come back quickly: JIT, and in Kafka mode the processor's consumer groups
 * joining and its first transactions, which take many seconds after a start.
 */
async function warmUp(edge: NodeProcess): Promise<void> {
  const deadline = performance.now() + 180_000
  while (performance.now() < deadline) {
    const samples = await probeFreshness(edge.url, edge.url, 2)
    if (samples.length > 1 && samples.at(-1)! < 1000) return
  }
  throw new Error(`the quiet site's rows were never pushed within 180 s`)
}

/**
 * The quiet site (`demo`, unlimited) probed alone, then under the flood of site `flood`. A first
 * flood, not measured, brings every process to its steady state (the broker's JIT compiles its
 * transaction and fetch paths under that load for a minute after start; a deployment's broker has
 * long done so), then the backlog drains.
 */
async function measure(edge: NodeProcess, tag: string): Promise<Phase> {
  await warmUp(edge)
  await runLoad({ port: edge.port, seconds, concurrency: 8, batch: 50, items: 10_000, tag: `${tag}w`, rate: FLOOD, site: 'flood' })
  await new Promise((r) => setTimeout(r, 3000))
  const quiet = await probeFreshness(edge.url, edge.url, seconds)
  // The flood runs a little longer on both sides than the probes (its process takes ~1 s to start).
  const flooding = runLoad({ port: edge.port, seconds: seconds + 3, concurrency: 8, batch: 50, items: 10_000, tag, rate: FLOOD, site: 'flood' })
  await new Promise((r) => setTimeout(r, 1500))
  const flooded = await probeFreshness(edge.url, edge.url, seconds)
  const flood = await flooding
  if (flood.failed > 0) throw new Error(`${flood.failed} of ${flood.requests} flood requests failed (neither 202 nor 429)`)
  return { quiet, flooded, flood }
}

const embeddedServer = await spawnNode(sites)
await limitFlood(embeddedServer)
const embedded = await measure(embeddedServer, 'fe')
await embeddedServer.kill()
console.log(`embedded: quiet p99 ${percentile(embedded.quiet, 99)} ms, under the flood p99 ${percentile(embedded.flooded, 99)} ms`)

// A loaded machine can take more than the default minute to start a broker.
const broker = await startLocalBroker({ readyTimeoutMs: 180_000 })
const prefix = `fair${Date.now()}`
const env = (role: string) => ({ SEQUITUR_KAFKA_BROKERS: broker.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix, ...sites })
const processor = await spawnNode(env('processor'))
const edge = await spawnNode(env('edge'))
await limitFlood(edge)
const kafka = await measure(edge, 'fk')
await edge.kill()
await processor.kill()
await broker.stop()

const keys = (phase: Phase, suffix: string) => ({
  [`freshness_p50_ms_quiet_site${suffix}`]: round(percentile(phase.quiet, 50), 1),
  [`freshness_p99_ms_quiet_site${suffix}`]: round(percentile(phase.quiet, 99), 1),
  [`freshness_p50_ms_quiet_site_under_flood${suffix}`]: round(percentile(phase.flooded, 50), 1),
  [`freshness_p99_ms_quiet_site_under_flood${suffix}`]: round(percentile(phase.flooded, 99), 1),
  [`flood_offered_events_per_s${suffix}`]: Math.round((phase.flood.requests * 50) / (phase.flood.ms / 1000)),
  [`flood_accepted_events_per_s${suffix}`]: Math.round(phase.flood.events / (phase.flood.ms / 1000)),
  [`flood_429_share${suffix}`]: round(phase.flood.limited / phase.flood.requests, 3),
})
const line = (name: string, p: Phase) =>
  `${name}: ${p.quiet.length} probes alone, ${p.flooded.length} under the flood; the flood sent ${p.flood.requests} batches, ` +
  `${p.flood.limited} answered 429, ${p.flood.events} events accepted in ${Math.round(p.flood.ms / 1000)} s.`
report(
  'fairness',
  [
    `Quiet site \`demo\` (no quota): freshness probes every 100 ms (POST of 2 clicks → probe row pushed to a WebSocket subscriber),`,
    `${seconds} s alone, then ${seconds} s while site \`flood\` (quota ${QUOTA.eventsPerSecond} events/s, burst ${QUOTA.burst}) offers`,
    `${FLOOD} events/s (10×) from 8 connections, msgpack batches of 50 on a fixed schedule. Embedded: one server process;`,
    `Kafka: 1 edge + 1 processor + 1 local broker. The flood's quota is set through the operator API. A first flood of`,
    `${seconds} s, not measured, brings the processes to their steady state before either phase.`,
    line('Embedded', embedded),
    line('Kafka', kafka),
  ].join('\n'),
  { ...keys(embedded, ''), ...keys(kafka, '_kafka') },
)

/**
 * Kafka mode end to end, 1 edge + 1 processor (separate processes) on a local single-node broker:
 * sustained events/s from POST to applied by the processor, and freshness (probe event posted → its
 * changed row pushed to a subscribed WebSocket client) p50/p99 under that load. Loopback only,
 * bounded in time. Prints a table and writes bench/kafka.json. `--quick` runs 8 s instead of 20 s.
 */
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startLocalBroker } from '../server/src/kafka/local-broker'
import { spawnNode } from '../server/src/kafka/test-cluster'

const quick = process.argv.includes('--quick')
const seconds = quick ? 6 : 15
const concurrency = 8
const batchSize = 50
const items = Array.from({ length: 500 }, (_, i) => `B${i}`)

const broker = await startLocalBroker()
const prefix = `bench${Date.now()}`
const env = (role: string) => ({ SEQUITUR_KAFKA_BROKERS: broker.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix })
const processor = await spawnNode(env('processor'))
const edge = await spawnNode(env('edge'))

const ws = new WebSocket(`${edge.url.replace('http', 'ws')}/v1/stream?format=json`)
await new Promise((resolve) => ws.once('open', resolve))
const waiting = new Map<string, (at: number) => void>()
ws.on('message', (data) => {
  const m = JSON.parse(String(data)) as { type: string; rows?: Record<string, unknown> }
  if (m.type === 'rows') for (const item of Object.keys(m.rows ?? {})) waiting.get(item)?.(performance.now())
})

const post = (events: unknown[]) =>
  fetch(`${edge.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })

let sent = 0
let seq = 0
const batch = () => {
  const events = []
  while (events.length < batchSize) {
    const session = `s${++seq}`
    for (let i = 0; i < 5; i++) events.push({ id: randomUUID(), type: 'click', item: items[(seq * 31 + i * 17) % items.length], session, ts: Date.now() })
  }
  return events
}

// Warm-up: the first transactions open the partitions' tasks.
await post(batch())
await new Promise((r) => setTimeout(r, 3000))

const applied = async () => {
  const text = await (await fetch(`${processor.url}/metrics`)).text()
  return Number(/^sequitur_events_processed_total (\d+)/m.exec(text)?.[1] ?? 0)
}
const before = await applied()

// Phase 1, throughput: every client posts as fast as it is answered; then wait until all is applied.
const started = performance.now()
const until = started + seconds * 1000
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const events = batch()
      if ((await post(events)).status === 202) sent += events.length
    }
  }),
)
const accepted = performance.now()
/**
 * The aggregator has caught up when its lag on every increments partition is down to transaction
 * markers (one per sessionizer producer at most) and no longer moves.
 */
let lastLags = ''
const aggregated = async () => {
  const text = await (await fetch(`${processor.url}/metrics`)).text()
  const lags = [...text.matchAll(/^sequitur_consumer_lag\{group="[^"]*-aggregator"[^}]*\} (\d+)/gm)].map((m) => Number(m[1]))
  const same = lags.join() === lastLags
  lastLags = lags.join()
  return lags.length > 0 && lags.every((lag) => lag <= 4) && same
}
while (((await applied()) - before < sent || !(await aggregated())) && performance.now() < accepted + 120_000) {
  await new Promise((r) => setTimeout(r, 100))
}
const done = performance.now()
const throughput = sent / ((done - started) / 1000)

// Phase 2, freshness: a paced load at a quarter of that throughput, and a probe every 200 ms.
const freshness: number[] = []
const paceUntil = performance.now() + seconds * 1000
const interval = (batchSize / (throughput / 4)) * 1000
const paced = (async () => {
  while (performance.now() < paceUntil) {
    void post(batch())
    await new Promise((r) => setTimeout(r, interval))
  }
})()
for (let k = 0; performance.now() < paceUntil; k++) {
  const [a, b] = [`probe-${k}-a`, `probe-${k}-b`]
  ws.send(JSON.stringify({ type: 'subscribe', site: 'demo', items: [a] }))
  await new Promise((r) => setTimeout(r, 50))
  const t0 = performance.now()
  const pushed = new Promise<number>((resolve) => waiting.set(a, resolve))
  const session = `probe-${k}`
  await post([a, b].map((item) => ({ id: randomUUID(), type: 'click', item, session, ts: Date.now() })))
  const at = await Promise.race([pushed, new Promise<number>((r) => setTimeout(() => r(NaN), 10_000))])
  if (!Number.isNaN(at)) freshness.push(at - t0)
  waiting.delete(a)
  await new Promise((r) => setTimeout(r, 200))
}
await paced

freshness.sort((a, b) => a - b)
const pct = (p: number) => freshness[Math.min(freshness.length - 1, Math.floor((freshness.length * p) / 100))] ?? NaN
const results = {
  ingest_events_per_s_kafka: Math.round(throughput),
  accepted_events_per_s_kafka: Math.round(sent / ((accepted - started) / 1000)),
  freshness_p50_ms_kafka: Math.round(pct(50)),
  freshness_p99_ms_kafka: Math.round(pct(99)),
}
console.log(
  `Kafka mode, 1 edge + 1 processor + 1 local broker (4 partitions). Throughput: ${seconds} s of ${concurrency} concurrent clients posting batches of ${batchSize} (sessions of 5 clicks over ${items.length} items) after 1 warm-up batch, counted until both processor stages applied them all. Freshness: ${freshness.length} probes (post → row pushed to a WebSocket subscriber) during ${seconds} s of load at a quarter of that throughput.\n`,
)
console.log('| measure | value |\n|---|---:|')
console.log(`| events/s end to end (POST → applied) | ${results.ingest_events_per_s_kafka} |`)
console.log(`| events/s accepted (202) | ${results.accepted_events_per_s_kafka} |`)
console.log(`| freshness p50 / p99 (ms) | ${results.freshness_p50_ms_kafka} / ${results.freshness_p99_ms_kafka} |`)
writeFileSync(join(import.meta.dirname, 'kafka.json'), `${JSON.stringify(results, null, 2)}\n`)

ws.close()
await edge.kill()
await processor.kill()
if (process.env.SEQUITUR_DUMP) writeFileSync(process.env.SEQUITUR_DUMP, processor.output())
await broker.stop()

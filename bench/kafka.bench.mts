/**
 * Kafka mode end to end, 1 edge + 1 processor (separate processes) on a local single-node broker:
 * sustained events/s from POST (a separate load-generator process, msgpack batches of 50) to applied
 * by both processor stages, and freshness (probe posted → its changed row pushed to a WebSocket
 * subscriber) under background load. Loopback only, bounded in time.
 */
import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { DEFAULT_KAFKA_PARTITIONS } from '../server/src/config'
import { startLocalBroker } from '../server/dev/local-broker'
import { spawnNode } from '../server/dev/test-cluster'
import { appliedEvents, probeFreshness, processCpuSeconds, runLoad, serverCpuSeconds } from './clients.mts'
import { median, percentile, quick, report, round } from './suite.mts'

const rounds = quick ? 1 : 3
const seconds = quick ? 5 : 10
const concurrency = 64
const batch = 50
const items = 10_000

const partitions = process.env.SEQUITUR_KAFKA_PARTITIONS ?? String(DEFAULT_KAFKA_PARTITIONS)
const broker = await startLocalBroker()
const prefix = `bench${Date.now()}`
const env = (role: string) => ({ SEQUITUR_KAFKA_BROKERS: broker.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix })
// SEQUITUR_BENCH_PROFILE=dir writes a CPU profile of the processor there (for docs/performance.md).
const profile = process.env.SEQUITUR_BENCH_PROFILE
const processor = await spawnNode(env('processor'), 0, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])
const edge = await spawnNode(env('edge'))
const applied = () => appliedEvents(processor.url)

/**
 * Stage 2 (counts) has caught up when its lag on every increments partition is down to transaction
 * markers (one per stage-1 producer at most) and no longer moves.
 */
let lastLags = ''
async function aggregated(): Promise<boolean> {
  const text = await (await fetch(`${processor.url}/metrics`)).text()
  const lags = [...text.matchAll(/^sequitur_consumer_lag\{group="[^"]*-counts"[^}]*\} (\d+)/gm)].map((m) => Number(m[1]))
  const same = lags.join() === lastLags
  lastLags = lags.join()
  return lags.length > 0 && lags.every((lag) => lag <= 4) && same
}
async function settled(target: number): Promise<number> {
  const deadline = performance.now() + 180_000
  while (((await applied()) < target || !(await aggregated())) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  if ((await applied()) < target) throw new Error(`only ${await applied()} of ${target} events applied`)
  return performance.now()
}

// Warm-up: the first transactions open the partitions' tasks.
const warm = await runLoad({ port: edge.port, seconds: 2, concurrency: 4, batch, items, tag: 'kw' })
await settled(warm.events)

const endToEnd: number[] = []
const accepted: number[] = []
// CPU time per event (µs) of each process, from the start of a round until both stages applied it.
const cpuOf = async () => ({ broker: processCpuSeconds(broker.pid!), edge: await serverCpuSeconds(edge.url), processor: await serverCpuSeconds(processor.url) })
const cpu = { broker: [] as number[], edge: [] as number[], processor: [] as number[], load: [] as number[] }
for (let r = 0; r < rounds; r++) {
  const before = await applied()
  const cpuBefore = await cpuOf()
  const started = performance.now()
  const load = await runLoad({ port: edge.port, seconds, concurrency, batch, items, tag: `k${r}` })
  if (load.failed > 0) throw new Error(`${load.failed} of ${load.requests} requests failed`)
  accepted.push(load.events / (load.ms / 1000))
  endToEnd.push(load.events / (((await settled(before + load.events)) - started) / 1000))
  const cpuAfter = await cpuOf()
  for (const part of ['broker', 'edge', 'processor'] as const) cpu[part].push(((cpuAfter[part] - cpuBefore[part]) * 1e6) / load.events)
  cpu.load.push((load.cpuMs * 1000) / load.events)
}
const perEvent = { broker: median(cpu.broker), edge: median(cpu.edge), processor: median(cpu.processor), load: median(cpu.load) }
const cpuTotal = perEvent.broker + perEvent.edge + perEvent.processor + perEvent.load

// Freshness under a background load of about a quarter of the sustained rate.
const background = median(endToEnd) / 4
const pace = Math.max(1, Math.round((4 * batch * 1000) / background))
const probing = probeFreshness(edge.url, edge.url, seconds * 2, 100)
const load = runLoad({ port: edge.port, seconds: seconds * 2, concurrency: 4, batch, items, tag: 'kf', pace })
const freshness = await probing
await load

report(
  'kafka',
  [
    `Kafka mode: 1 edge + 1 processor (2 stages) + 1 local broker (KRaft, ${partitions} partitions), all on this machine, 127.0.0.1.`,
    `Load: bench/load.mts as its own process, ${concurrency} keep-alive connections posting msgpack batches of ${batch} clicks`,
    `(sessions of 5 over ${items} items), ${rounds} round(s) of ${seconds} s after 2 s of warm-up; end to end = events / (start → both`,
    `stages applied all of them). Freshness: ${freshness.length} probes over ${seconds * 2} s under ~${Math.round(background)} events/s of background load.`,
    `CPU per event (µs, medians, start of a round → both stages applied): broker ${round(perEvent.broker, 1)}, edge ${round(perEvent.edge, 1)},`,
    `processor ${round(perEvent.processor, 1)}, load generator ${round(perEvent.load, 1)}; ${availableParallelism()} cores.`,
    `Rounds: accepted ${accepted.map(Math.round).join(', ')}; end to end ${endToEnd.map(Math.round).join(', ')} events/s.`,
  ].join('\n'),
  {
    ingest_events_per_s_kafka: Math.round(median(endToEnd)),
    ingest_accepted_events_per_s_kafka: Math.round(median(accepted)),
    cpu_us_per_event_kafka_broker: round(perEvent.broker, 1),
    cpu_us_per_event_kafka_edge: round(perEvent.edge, 1),
    cpu_us_per_event_kafka_processor: round(perEvent.processor, 1),
    // What every core of this machine could carry at today's CPU cost per event (all four processes).
    ingest_cpu_ceiling_events_per_s_kafka: Math.round((availableParallelism() * 1e6) / cpuTotal),
    freshness_p50_ms_kafka: round(percentile(freshness, 50), 1),
    freshness_p99_ms_kafka: round(percentile(freshness, 99), 1),
  },
)

await edge.kill()
await processor.kill()
if (process.env.SEQUITUR_DUMP) writeFileSync(process.env.SEQUITUR_DUMP, processor.output())
await broker.stop()

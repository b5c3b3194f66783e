/**
 * Kafka mode on a replicated cluster: three local KRaft nodes (replication factor 3,
 * `min.insync.replicas` 2), one edge, and first one then two processors in the same run. Reports
 * end-to-end events/s (POST → both stages applied) with each, the CPU every process spent per event
 * (on two cores the processes compete, so the CPU is what makes the ratio mean something), and the
 * freshness of a probe row while the broker leading the rows partition is down. Loopback only,
 * bounded in time.
 */
import { availableParallelism } from 'node:os'
import { startLocalCluster } from '../server/dev/local-cluster'
import { spawnNode, type NodeProcess } from '../server/dev/test-cluster'
import { appliedEvents, probeFreshness, processCpuSeconds, runLoad, serverCpuSeconds } from './clients.mts'
import { median, percentile, quick, report, round } from './suite.mts'

const seconds = quick ? 5 : 10
const concurrency = 64
const batch = 50
const items = 10_000

const cluster = await startLocalCluster({ nodes: 3, readyTimeoutMs: 180_000 })
const prefix = `cbench${Date.now()}`
const env = (role: string) => ({ SEQUITUR_KAFKA_BROKERS: cluster.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix })
const processors: NodeProcess[] = [await spawnNode(env('processor'))]
const edge = await spawnNode(env('edge'))
const applied = async () => (await Promise.all(processors.map((p) => appliedEvents(p.url)))).reduce((a, b) => a + b, 0)

/** Both stages have caught up: every event applied and the counts stage's lag down to transaction markers, steady. */
let lastLags = ''
async function settled(target: number): Promise<number> {
  const deadline = performance.now() + 300_000
  for (;;) {
    const texts = await Promise.all(processors.map(async (p) => (await fetch(`${p.url}/metrics`)).text()))
    const lags = texts.flatMap((t) => [...t.matchAll(/^sequitur_consumer_lag\{group="[^"]*-counts"[^}]*\} (\d+)/gm)].map((m) => Number(m[1])))
    const same = lags.join() === lastLags
    lastLags = lags.join()
    if ((await applied()) >= target && lags.length > 0 && lags.every((lag) => lag <= 4) && same) return performance.now()
    if (performance.now() > deadline) throw new Error(`only ${await applied()} of ${target} events applied`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const cpuOf = async () => ({
  brokers: cluster.nodes.reduce((sum, node) => sum + processCpuSeconds(node.pid!), 0),
  edge: await serverCpuSeconds(edge.url),
  processors: (await Promise.all(processors.map((p) => serverCpuSeconds(p.url)))).reduce((a, b) => a + b, 0),
})

interface Round {
  eventsPerSecond: number
  /** Events/s the edge accepted (202) while the load ran. */
  acceptedPerSecond: number
  /** CPU µs per event of each part. */
  cpu: { brokers: number; edge: number; processors: number; load: number }
}

/** Warms up (the partitions' tasks open, a rebalance settles), then one round of load as fast as it goes. */
async function measure(tag: string): Promise<Round> {
  const base = await applied()
  const warm = await runLoad({ port: edge.port, seconds: 3, concurrency: 4, batch, items, tag: `${tag}w` })
  await settled(base + warm.events)
  const before = await applied()
  const cpuBefore = await cpuOf()
  const started = performance.now()
  const load = await runLoad({ port: edge.port, seconds, concurrency, batch, items, tag })
  if (load.failed > 0) throw new Error(`${load.failed} of ${load.requests} requests failed`)
  const done = await settled(before + load.events)
  const cpuAfter = await cpuOf()
  const per = (part: 'brokers' | 'edge' | 'processors') => ((cpuAfter[part] - cpuBefore[part]) * 1e6) / load.events
  return {
    eventsPerSecond: load.events / ((done - started) / 1000),
    acceptedPerSecond: load.events / (load.ms / 1000),
    cpu: { brokers: per('brokers'), edge: per('edge'), processors: per('processors'), load: (load.cpuMs * 1000) / load.events },
  }
}

// The JVMs' and Node's JIT compile the hot paths under load in the first minute: freshness falls
// from ~1 s to ~0.2 s on this machine. Measure the steady state.
const warmStart = await applied()
const warmUp = await runLoad({ port: edge.port, seconds: quick ? 10 : 30, concurrency: 16, batch, items, tag: 'cw' })
await settled(warmStart + warmUp.events)

const one = await measure('c1')
processors.push(await spawnNode(env('processor')))
const two = await measure('c2')

// A broker down: the one leading the rows partition (it leads others too) killed with SIGKILL under
// a light background load. Failover: kill → the first probe row pushed again (leader elections, the
// clients' metadata, group and transaction coordinators moving). Then freshness with the broker
// still down.
const quiet = await probeFreshness(edge.url, edge.url, seconds)
const leader = await cluster.leaderOf(`${prefix}.rows`, 0)
const background = runLoad({ port: edge.port, seconds: 60 + seconds * 2, concurrency: 4, batch, items, tag: 'cd', pace: 50 })
const killedAt = performance.now()
await cluster.nodes[leader - 1]!.kill()
let failover = Number.NaN
while (performance.now() - killedAt < 60_000) {
  const started = performance.now()
  const [sample] = await probeFreshness(edge.url, edge.url, 0.01)
  if (sample !== undefined && sample < 10_000) {
    failover = (started + sample - killedAt) / 1000
    break
  }
}
const down = await probeFreshness(edge.url, edge.url, seconds * 2)
const backgroundResult = await background
await cluster.nodes[leader - 1]!.restart()

for (const p of processors) await p.kill()
await edge.kill()
await cluster.stop()

const total = (r: Round) => r.cpu.brokers + r.cpu.edge + r.cpu.processors + r.cpu.load
const cpuLine = (name: string, r: Round) =>
  `${name}: ${Math.round(r.eventsPerSecond)} events/s end to end (${Math.round(r.acceptedPerSecond)} accepted/s); CPU µs per event: brokers ${round(r.cpu.brokers, 1)}, edge ${round(r.cpu.edge, 1)}, ` +
  `processors ${round(r.cpu.processors, 1)}, load generator ${round(r.cpu.load, 1)} (total ${round(total(r), 1)}).`
report(
  'cluster',
  [
    `Kafka mode on 3 local KRaft nodes (replication factor 3, min.insync.replicas 2), 1 edge, ${availableParallelism()} cores shared by all.`,
    `Load: bench/load.mts, ${concurrency} connections, msgpack batches of ${batch}, ${seconds} s per round as fast as it goes; end to end =`,
    `events / (start → both stages applied every one of them).`,
    cpuLine('1 processor', one),
    cpuLine('2 processors', two),
    `A broker down: node ${leader} (leading the rows partition) killed with SIGKILL under ${backgroundResult.events} background events;`,
    `the first probe row pushed again ${round(failover, 1)} s after the kill, then ${down.length} probes over ${seconds * 2} s with it still down.`,
    `The first ${quick ? 10 : 30} s of load are a warm-up, not measured.`,
  ].join('\n'),
  {
    cluster_events_per_s_1_processor: Math.round(one.eventsPerSecond),
    cluster_events_per_s_2_processors: Math.round(two.eventsPerSecond),
    cluster_cpu_us_per_event_1_processor: round(total(one), 1),
    cluster_cpu_us_per_event_2_processors: round(total(two), 1),
    cluster_processor_cpu_us_per_event_1: round(one.cpu.processors, 1),
    cluster_processor_cpu_us_per_event_2: round(two.cpu.processors, 1),
    freshness_p50_ms_kafka_cluster: round(median(quiet), 1),
    freshness_p99_ms_kafka_cluster: round(percentile(quiet, 99), 1),
    freshness_p99_ms_kafka_broker_down: round(percentile(down, 99), 1),
    freshness_p50_ms_kafka_broker_down: round(median(down), 1),
    failover_seconds_kafka_broker_down: round(failover, 1),
  },
)

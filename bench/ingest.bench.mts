/**
 * Embedded mode, end to end: events/s from POST (msgpack batches of 50, a separate load-generator
 * process on loopback) through the durable log to rows updated, the same client against a bare
 * node:http server that only decodes msgpack (the baseline, same run), and freshness (event posted →
 * changed row pushed to a subscribed WebSocket) under background load.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnNode } from '../server/dev/test-cluster'
import { SqliteLog } from '../server/src/log/sqlite-log'
import { appliedEvents, probeFreshness, runLoad, serverCpuSeconds, startBaseline, waitApplied } from './clients.mts'
import { median, percentile, quick, report, round } from './suite.mts'

const rounds = quick ? 2 : 3
const seconds = quick ? 4 : 8
// Enough connections to load the server rather than the round trip: with group commit, each
// connection waits for a commit, so 16 measured latency (see the sweep below), not capacity.
const concurrency = 64
const sweep = [16, 32]
const batch = 50
const items = 10_000

/**
 * The durable log alone, in this process: groups of 16 batches of 50 events appended as the edge
 * does under load (one transaction and fsync per group). Bounds what any design that stores every
 * event in SQLite can reach.
 */
async function logAppendRate(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sequitur-log-bench-'))
  const log = new SqliteLog({ file: join(dir, 'log.db') })
  let id = 0
  const batches = Array.from({ length: quick ? 2000 : 6000 }, () =>
    Array.from({ length: batch }, () => ({ id: `e${++id}`, type: 'click' as const, item: `I${id % items}`, session: `s${id >> 2}`, ts: Date.now() })),
  )
  const started = performance.now()
  for (let i = 0; i < batches.length; i += 16) await Promise.all(batches.slice(i, i + 16).map((b) => log.append('demo', b)))
  const rate = (batches.length * batch) / ((performance.now() - started) / 1000)
  log.close()
  rmSync(dir, { recursive: true, force: true })
  return rate
}
const logRates = [await logAppendRate(), await logAppendRate(), await logAppendRate()]

const server = await spawnNode({})
const baseline = await startBaseline()
const url = server.url

// Warm-up: JIT and the first pages of both databases.
await runLoad({ port: baseline.port, seconds: 1, concurrency, batch, items, tag: 'wb' })
const warm = await runLoad({ port: server.port, seconds: 1, concurrency, batch, items, tag: 'ws' })
await waitApplied(() => appliedEvents(url), warm.events)

const baseRates: number[] = []
const acceptedRates: number[] = []
const endToEndRates: number[] = []
// CPU time per event (µs): the baseline server, Sequitur's server (every thread, until all applied),
// and the load generator in each.
const cpu = { baseline: [] as number[], server: [] as number[], loadBaseline: [] as number[], load: [] as number[] }
for (let r = 0; r < rounds; r++) {
  const baseCpu = await baseline.cpuSeconds()
  const base = await runLoad({ port: baseline.port, seconds, concurrency, batch, items, tag: `b${r}` })
  baseRates.push(base.events / (base.ms / 1000))
  cpu.baseline.push(((await baseline.cpuSeconds()) - baseCpu) * 1e6 / base.events)
  cpu.loadBaseline.push((base.cpuMs * 1000) / base.events)
  const before = await appliedEvents(url)
  const serverCpu = await serverCpuSeconds(url)
  const started = performance.now()
  const load = await runLoad({ port: server.port, seconds, concurrency, batch, items, tag: `r${r}` })
  if (load.failed > 0) throw new Error(`${load.failed} of ${load.requests} requests failed`)
  acceptedRates.push(load.events / (load.ms / 1000))
  const done = await waitApplied(() => appliedEvents(url), before + load.events)
  endToEndRates.push(load.events / ((done - started) / 1000))
  cpu.server.push(((await serverCpuSeconds(url)) - serverCpu) * 1e6 / load.events)
  cpu.load.push((load.cpuMs * 1000) / load.events)
}
// The same load with fewer connections, one round each: how much of the rate is offered load.
const swept: Record<string, number> = {}
for (const connections of sweep) {
  const before = await appliedEvents(url)
  const started = performance.now()
  const load = await runLoad({ port: server.port, seconds, concurrency: connections, batch, items, tag: `c${connections}` })
  const done = await waitApplied(() => appliedEvents(url), before + load.events)
  swept[`ingest_events_per_s_embedded_${connections}_connections`] = Math.round(load.events / ((done - started) / 1000))
}

const cores = availableParallelism()
const perEvent = { baseline: median(cpu.baseline), server: median(cpu.server), loadBaseline: median(cpu.loadBaseline), load: median(cpu.load) }

// Freshness under a steady background load of about a quarter of the sustained rate.
const background = median(endToEndRates) / 4
const pace = Math.max(1, Math.round((4 * batch * 1000) / background))
const probing = probeFreshness(url, url, seconds * 2)
const load = runLoad({ port: server.port, seconds: seconds * 2, concurrency: 4, batch, items, tag: 'f', pace })
const freshness = await probing
await load

const ingest = median(endToEndRates)
report(
  'ingest',
  [
    `Embedded mode (one server process, SQLite log + state in a temp dir) on 127.0.0.1. Load: bench/load.mts as its own process,`,
    `${concurrency} keep-alive connections posting msgpack batches of ${batch} clicks (sessions of 5 over ${items} items, Zipf-like),`,
    `${rounds} rounds of ${seconds} s after 1 s of warm-up each. A round runs the baseline (bare node:http, decode + 202) then Sequitur;`,
    `end to end = events / (start → the processor has applied all of them); the ratio compares accepted (202) events/s. Medians over rounds.`,
    `Freshness: ${freshness.length} probes over ${seconds * 2} s (POST of 2 clicks → probe row pushed to a WebSocket subscriber),`,
    `under background load of ~${Math.round(background)} events/s (4 connections, ${pace} ms apart).`,
    `Log alone: SqliteLog.append in the bench process, groups of 16 batches of ${batch} (one transaction + fsync each), 3 runs: ${logRates.map(Math.round).join(', ')} events/s.`,
    `CPU per event (µs, medians; the server's counts every thread until all events are applied): baseline server ${round(perEvent.baseline, 2)},`,
    `Sequitur server ${round(perEvent.server, 2)}, load generator ${round(perEvent.loadBaseline, 2)} (baseline rounds) / ${round(perEvent.load, 2)} (Sequitur rounds); ${cores} cores.`,
    `With fewer connections (one round each, end to end): ${sweep.map((c) => `${c}: ${swept[`ingest_events_per_s_embedded_${c}_connections`]}`).join(', ')} events/s.`,
    `Rounds: baseline ${baseRates.map((x) => Math.round(x)).join(', ')}; accepted ${acceptedRates.map((x) => Math.round(x)).join(', ')}; end to end ${endToEndRates.map((x) => Math.round(x)).join(', ')} events/s.`,
  ].join('\n'),
  {
    ingest_events_per_s_embedded: Math.round(ingest),
    ingest_ratio_vs_node_http: round(median(acceptedRates) / median(baseRates), 3),
    ingest_accepted_events_per_s_embedded: Math.round(median(acceptedRates)),
    ...swept,
    baseline_node_http_events_per_s: Math.round(median(baseRates)),
    log_append_alone_events_per_s: Math.round(median(logRates)),
    cpu_us_per_event_node_http: round(perEvent.baseline, 2),
    cpu_us_per_event_embedded: round(perEvent.server, 2),
    cpu_us_per_event_load_generator: round(perEvent.load, 2),
    cpu_us_per_event_load_generator_baseline: round(perEvent.loadBaseline, 2),
    // What every core of this machine could carry at today's CPU cost per event (server + load).
    ingest_cpu_ceiling_events_per_s_embedded: Math.round((cores * 1e6) / (perEvent.server + perEvent.load)),
    freshness_p50_ms_embedded: round(percentile(freshness, 50), 1),
    freshness_p99_ms_embedded: round(percentile(freshness, 99), 1),
  },
)
baseline.stop()
await server.kill()

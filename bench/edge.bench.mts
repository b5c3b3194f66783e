/**
 * An edge's memory with a large catalog (Kafka mode, issue #18): 1 million rows written straight to
 * the rows topic of a local broker (a producer here, not the pipeline), one edge materializing them,
 * 1,000 WebSocket clients holding 20 rows each (from 25 loopback addresses, under the 50 connections
 * per address). Reports the edge's RSS and heap (its own `/metrics`), the p50/p99 of `GET /v1/rows`
 * (10 items) answered from the rows its clients hold (memory) and from its SQLite copy (rows no one
 * read), how fast it materializes the topic and how fast it comes back after a `SIGKILL`. The previous
 * design (`SEQUITUR_EDGE_ROW_CACHE=all`: every row in memory) is measured on an empty topic and on
 * a smaller one, for its growth per row, unless `--old-full` runs it at the full size too.
 */
import type { ModelRow } from '@sequitur/sdk/protocol'
import { randomInt } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startLocalBroker } from '../server/dev/local-broker'
import { spawnNode, type NodeProcess } from '../server/dev/test-cluster'
import { createKafka } from '../server/src/kafka/client'
import { ensureTopics, topicsOf } from '../server/src/kafka/topics'
import { encodeEntry } from '../server/src/model'
import { percentile, quick, report, round } from './suite.mts'

const ROWS = quick ? 200_000 : 1_000_000
const OLD_ROWS = process.argv.includes('--old-full') ? ROWS : quick ? 50_000 : 200_000
const CLIENTS = 1000
const ITEMS_PER_CLIENT = 20
const REQUESTS = quick ? 500 : 2000
const ITEMS_PER_REQUEST = 10
const ADDRESSES = 25

const broker = await startLocalBroker()
const kafka = createKafka([broker.brokers], 'edge-bench', () => {})
const admin = kafka.admin()
await admin.connect()
const item = (i: number) => `P${i}`

/** A row as the model makes them: 20 next items, 20 related ones. */
function row(): ModelRow {
  const pairs = () => Array.from({ length: 20 }, (_, k) => [item(randomInt(ROWS)), 40 - k] as [string, number])
  return { total: 400, next: pairs(), related: { total: 900, items: pairs() } }
}

/** Creates a deployment's topics and writes `n` rows to its rows topic; returns its prefix. */
async function deployment(n: number): Promise<string> {
  const prefix = `edgebench${Date.now()}${randomInt(1000)}`
  const topics = topicsOf(prefix)
  await ensureTopics(admin, topics, { partitions: 2, windowDays: 60, retentionDays: 7 })
  const producer = kafka.producer()
  await producer.connect()
  // Under the broker's 1 MB request limit (~550 bytes a row), four sends in flight: they may land in
  // any order, and either way the topic holds n rows.
  const BATCH = 1000
  const send = (from: number) => {
    const messages = []
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      const [key, value] = encodeEntry({ kind: 'row', site: 'demo', item: item(i), row: row() })
      messages.push({ key, value })
    }
    return messages.length ? producer.send({ topic: topics.rows, messages }) : undefined
  }
  for (let start = 0; start < n; start += BATCH * 4) await Promise.all([0, 1, 2, 3].map((k) => send(start + k * BATCH)))
  await producer.disconnect()
  return prefix
}

const metric = async (edge: NodeProcess, name: string) => {
  const text = await (await fetch(`${edge.url}/metrics`)).text()
  return Number(new RegExp(`^sequitur_${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN)
}
/** RSS and V8 heap used, MB, after the edge was left alone for a few seconds. */
async function memory(edge: NodeProcess): Promise<{ rss: number; heap: number }> {
  await new Promise((r) => setTimeout(r, 5000))
  const [rss, heap] = await Promise.all([metric(edge, 'process_resident_memory_bytes'), metric(edge, 'nodejs_heap_size_used_bytes')])
  return { rss: round(rss / 2 ** 20, 1), heap: round(heap / 2 ** 20, 1) }
}
const version = async (edge: NodeProcess) => ((await (await fetch(`${edge.url}/healthz`)).json()) as { version: number }).version

/** Starts an edge and resolves once it holds `n` rows, with the seconds that took. */
async function edgeOf(prefix: string, n: number, cache: string, dataDir?: string): Promise<{ edge: NodeProcess; seconds: number }> {
  const started = performance.now()
  const env = { SEQUITUR_KAFKA_BROKERS: broker.brokers, SEQUITUR_ROLE: 'edge', SEQUITUR_KAFKA_PREFIX: prefix, SEQUITUR_EDGE_ROW_CACHE: cache }
  const edge = await spawnNode(dataDir ? { ...env, SEQUITUR_DATA_DIR: dataDir } : env)
  await caughtUp(edge, n)
  return { edge, seconds: (performance.now() - started) / 1000 }
}
async function caughtUp(edge: NodeProcess, n: number): Promise<void> {
  while ((await version(edge)) < n) await new Promise((r) => setTimeout(r, 200))
}

/** Opens `CLIENTS` stream connections, each subscribed to random rows; resolves once each got its rows. */
async function subscribe(edge: NodeProcess): Promise<{ sockets: WebSocket[]; items: string[][] }> {
  const sockets: WebSocket[] = []
  const items: string[][] = []
  for (let c = 0; c < CLIENTS; c += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, CLIENTS - c) }, (_, k) => {
        const mine = Array.from({ length: ITEMS_PER_CLIENT }, () => item(randomInt(ROWS)))
        items.push(mine)
        const ws = new WebSocket(`ws://127.0.0.1:${edge.port}/v1/stream?format=json`, { localAddress: `127.0.0.${2 + ((c + k) % ADDRESSES)}` })
        sockets.push(ws)
        return new Promise<void>((resolve, reject) => {
          ws.once('error', reject)
          ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', site: 'demo', items: mine })))
          ws.on('message', (data) => {
            const m = JSON.parse(String(data)) as { type: string; code?: string }
            if (m.type === 'rows') resolve()
            else if (m.type === 'error') reject(new Error(`subscribe refused: ${m.code}`))
          })
        })
      }),
    )
  }
  return { sockets, items }
}

/** Milliseconds of each of `REQUESTS` `GET /v1/rows`, one at a time, for the items `pick` chooses. */
async function latencies(edge: NodeProcess, pick: () => string[]): Promise<number[]> {
  const out: number[] = []
  for (let r = 0; r < REQUESTS; r++) {
    const url = `${edge.url}/v1/rows?site=demo&items=${pick().join(',')}`
    const t = performance.now()
    const res = await fetch(url)
    await res.arrayBuffer()
    out.push(performance.now() - t)
    if (res.status !== 200) throw new Error(`GET /v1/rows: ${res.status}`)
  }
  return out
}

const results: Record<string, number> = {}

// The previous design: every row in memory, on an empty topic and on OLD_ROWS rows.
{
  const empty = await edgeOf(await deployment(0), 0, 'all')
  const base = await memory(empty.edge)
  await empty.edge.remove()
  const oldPrefix = await deployment(OLD_ROWS)
  const old = await edgeOf(oldPrefix, OLD_ROWS, 'all')
  const full = await memory(old.edge)
  const perRowKb = ((full.rss - base.rss) * 1024) / OLD_ROWS
  const held = await latencies(old.edge, () => Array.from({ length: ITEMS_PER_REQUEST }, () => item(randomInt(OLD_ROWS))))
  await old.edge.remove()
  Object.assign(results, {
    edge_rss_mb_empty_all_in_memory: base.rss,
    edge_rows_all_in_memory: OLD_ROWS,
    edge_rss_mb_all_in_memory: full.rss,
    edge_heap_mb_all_in_memory: full.heap,
    edge_rss_kb_per_row_all_in_memory: round(perRowKb, 3),
    edge_rss_mb_all_in_memory_at_full_size_estimate: round(base.rss + (perRowKb * ROWS) / 1024, 0),
    edge_catchup_rows_per_s_all_in_memory: Math.round(OLD_ROWS / old.seconds),
    rows_get_p50_ms_all_in_memory: round(percentile(held, 50), 3),
    rows_get_p99_ms_all_in_memory: round(percentile(held, 99), 3),
  })
}

// This design: the rows clients hold and a 10,000-row cache in memory, the rest in SQLite.
const prefix = await deployment(ROWS)
const dataDir = mkdtempSync(join(tmpdir(), 'sequitur-edge-bench-'))
const { edge, seconds } = await edgeOf(prefix, ROWS, '10000', dataDir)
const before = await memory(edge)
const { sockets, items } = await subscribe(edge)
const after = await memory(edge)
const fromMemory = await latencies(edge, () => {
  const mine = items[randomInt(items.length)]!
  return mine.slice(0, ITEMS_PER_REQUEST)
})
// Rows no client holds and no request read before: from the file (a few may be held by chance).
let next = randomInt(ROWS)
// A prime stride walks every row once.
const fromStore = await latencies(edge, () => Array.from({ length: ITEMS_PER_REQUEST }, () => item((next += 7919) % ROWS)))
const withClients = await memory(edge)
for (const ws of sockets) ws.close()
// The edge's copy is `<rows topic>-<epoch>.db` (the epoch names the rows log it copies).
const copies = readdirSync(join(dataDir, 'edge-rows')).filter((f) => f.startsWith(`${prefix}.rows-`) && f.endsWith('.db'))
if (copies.length !== 1) throw new Error(`expected one copy of the rows topic in edge-rows, found ${copies.join(', ') || 'none'}`)
const storeMb = round(statSync(join(dataDir, 'edge-rows', copies[0]!)).size / 2 ** 20, 0)
await edge.kill('SIGKILL')
const restarted = performance.now()
await edge.restart()
await caughtUp(edge, ROWS)
const restartSeconds = (performance.now() - restarted) / 1000
await edge.remove()
rmSync(dataDir, { recursive: true, force: true })
Object.assign(results, {
  edge_rows: ROWS,
  edge_clients: CLIENTS,
  edge_rows_held_by_clients: new Set(items.flat()).size,
  edge_rss_mb: Math.max(after.rss, withClients.rss),
  edge_heap_mb: Math.max(after.heap, withClients.heap),
  edge_rss_mb_before_clients: before.rss,
  edge_catchup_rows_per_s: Math.round(ROWS / seconds),
  edge_restart_seconds: round(restartSeconds, 2),
  rows_get_p50_ms_memory: round(percentile(fromMemory, 50), 3),
  rows_get_p99_ms_memory: round(percentile(fromMemory, 99), 3),
  rows_get_p50_ms_store: round(percentile(fromStore, 50), 3),
  rows_get_p99_ms_store: round(percentile(fromStore, 99), 3),
  edge_store_mb: storeMb,
})

await admin.disconnect()
await broker.stop()
report(
  'edge',
  `Kafka mode, one edge on a local single-node broker: ${ROWS.toLocaleString('en')} rows (20 next + 20 related items each) written straight to the rows topic, ${CLIENTS} WebSocket clients holding ${ITEMS_PER_CLIENT} random rows each; GET /v1/rows of ${ITEMS_PER_REQUEST} items, ${REQUESTS} one at a time, from held rows (memory) and from rows no one read (the SQLite copy). The previous design (every row in memory) at ${OLD_ROWS.toLocaleString('en')} rows and on an empty topic, its growth per row extrapolated to ${ROWS.toLocaleString('en')}. RSS and heap from the edge's /metrics after 5 s idle.`,
  results,
)
process.exit(0)

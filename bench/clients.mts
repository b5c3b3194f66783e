/**
 * The clients the server benchmarks share: the load generator (a child process), the baseline server,
 * an applied-events reader, and freshness probes over a subscribed WebSocket.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import WebSocket from 'ws'

/** What one load-generator run did. */
export interface LoadResult {
  events: number
  requests: number
  /** Requests answered neither 202 nor 429. */
  failed: number
  /** Requests answered 429 (over the site's quota). */
  limited: number
  ms: number
  /** CPU time the load generator itself used (user + system), ms. */
  cpuMs: number
}

/** Options of one load-generator run (see bench/load.mts). */
export interface LoadOptions {
  port: number
  seconds: number
  concurrency?: number
  batch?: number
  items?: number
  tag: string
  /** Milliseconds each connection waits between requests (0: as fast as answered). */
  pace?: number
  /** Offered events per second over all connections, on a fixed schedule (instead of `pace`). */
  rate?: number
  /** The site the batches are for (default `demo`). */
  site?: string
}

/** Runs bench/load.mts as its own process and resolves with its result. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load.mts'), JSON.stringify(options)], { timeout: (options.seconds + 60) * 1000 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as LoadResult),
    )
  })
}

/** The bare node:http baseline server, as its own process. */
export async function startBaseline(): Promise<{ port: number; cpuSeconds(): Promise<number>; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'baseline-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /localhost:(\d+)/.exec(String(chunk))
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)))
  })
  process.once('exit', () => child.kill('SIGKILL'))
  const cpuSeconds = async () => Number(await (await fetch(`http://127.0.0.1:${port}/cpu`)).text())
  return { port, cpuSeconds, stop: () => child.kill('SIGKILL') }
}

/** CPU seconds a Sequitur server has used, every thread (its `sequitur_process_cpu_seconds_total`). */
export async function serverCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^sequitur_process_cpu_seconds_total (\S+)/m.exec(text)?.[1] ?? Number.NaN)
}

/** CPU seconds a process has used (user + system, every thread), from /proc. */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  // utime and stime are fields 14 and 15 of stat; this array starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks
}
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/** Events the processor behind `url` has applied (its `sequitur_events_processed_total`). */
export async function appliedEvents(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^sequitur_events_processed_total (\d+)/m.exec(text)?.[1] ?? 0)
}

/** Waits until `applied()` reaches `target` or `timeoutMs` passes; resolves with the time it was reached. */
export async function waitApplied(applied: () => Promise<number>, target: number, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if ((await applied()) >= target) return performance.now()
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`only ${await applied()} of ${target} events applied after ${timeoutMs} ms`)
}

/**
 * Freshness: every `everyMs`, subscribes a WebSocket on `edgeUrl` to a new probe item, posts two
 * clicks (probe → other) to `postUrl` and times post → the probe's changed row pushed. Runs `seconds`.
 */
export async function probeFreshness(postUrl: string, edgeUrl: string, seconds: number, everyMs = 100): Promise<number[]> {
  const ws = new WebSocket(`${edgeUrl.replace('http', 'ws')}/v1/stream?format=json`)
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const waiting = new Map<string, (at: number) => void>()
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; rows?: Record<string, unknown> }
    if (m.type === 'rows') for (const item of Object.keys(m.rows ?? {})) waiting.get(item)?.(performance.now())
  })
  const samples: number[] = []
  const until = performance.now() + seconds * 1000
  const tag = randomUUID().slice(0, 8)
  for (let k = 0; performance.now() < until; k++) {
    const [a, b] = [`probe-${tag}-${k}-a`, `probe-${tag}-${k}-b`]
    ws.send(JSON.stringify({ type: 'subscribe', site: 'demo', items: [a] }))
    await new Promise((r) => setTimeout(r, 20))
    const pushed = new Promise<number>((resolve) => waiting.set(a, resolve))
    const session = `probe-${tag}-${k}`
    const t0 = performance.now()
    const events = [a, b].map((item) => ({ id: randomUUID(), type: 'click', item, session, ts: Date.now() }))
    await fetch(`${postUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
    // A probe never answered counts as the 10 s it was waited for: it shows in the p99.
    const at = await Promise.race([pushed, new Promise<number>((r) => setTimeout(() => r(t0 + 10_000), 10_000))])
    samples.push(at - t0)
    waiting.delete(a)
    ws.send(JSON.stringify({ type: 'unsubscribe', site: 'demo', items: [a] }))
    await new Promise((r) => setTimeout(r, everyMs))
  }
  ws.close()
  return samples
}

/**
 * The load generator: its own process, so that the server under test does not share its event loop.
 * POSTs msgpack batches of `batch` click events (sessions of 5 clicks over `items` items, skewed towards
 * popular ones) from `concurrency` keep-alive connections for `seconds`, to 127.0.0.1 only, then prints
 * one JSON line { events, requests, failed, limited, ms, cpuMs } (cpuMs: its own CPU time; limited: 429s) and exits.
 * With `rate` it offers that many events/s on a fixed schedule, whatever the answers (a flood).
 *
 *   node --import tsx bench/load.mts '{"port":8787,"seconds":5,"concurrency":16,"batch":50,"items":10000,"tag":"a"}'
 */
import { Packr } from 'msgpackr'
import { Agent, request } from 'node:http'
import type { LoadOptions } from './clients.mts'
import { sessionDrawer } from './sessions.mts'

const { port, seconds, concurrency = 16, batch = 50, items = 10_000, tag = 'l', pace = 0, rate, site = 'demo' } = JSON.parse(process.argv[2]!) as LoadOptions
const packr = new Packr({ useRecords: false })
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const draw = sessionDrawer(items)
let sessions = 0
let ids = 0
function body(): Buffer {
  const events = []
  const ts = Date.now()
  while (events.length < batch) {
    const session = `${tag}s${++sessions}`
    for (const item of draw(Math.min(5, batch - events.length))) events.push({ id: `${tag}e${++ids}`, type: 'click', item, session, ts })
  }
  return packr.pack({ site, events })
}

function post(payload: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/events', method: 'POST', agent, headers: { 'content-type': 'application/msgpack', 'content-length': payload.length } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', () => resolve(0))
    req.end(payload)
  })
}

const started = performance.now()
const cpu = process.cpuUsage()
const until = started + seconds * 1000
let events = 0
let requests = 0
let failed = 0
let limited = 0
// With `rate`, connection c sends its n-th request at start + (n + c / concurrency) × interval.
const interval = rate ? (concurrency * batch * 1000) / rate : 0
await Promise.all(
  Array.from({ length: concurrency }, async (_, c) => {
    for (let n = 0; performance.now() < until; n++) {
      if (interval > 0) {
        const wait = started + (n + c / concurrency) * interval - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
        if (performance.now() >= until) break
      }
      const status = await post(body())
      requests++
      if (status === 202) events += batch
      else if (status === 429) limited++
      else failed++
      if (pace > 0) await new Promise((r) => setTimeout(r, pace))
    }
  }),
)
const ms = performance.now() - started
const { user, system } = process.cpuUsage(cpu)
agent.destroy()
console.log(JSON.stringify({ events, requests, failed, limited, ms, cpuMs: (user + system) / 1000 }))

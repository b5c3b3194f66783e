/**
 * The load generator: its own process, so that the server under test does not share its event loop.
 * POSTs msgpack batches of `batch` click events (sessions of 5 clicks over `items` items, skewed towards
 * popular ones) from `concurrency` keep-alive connections for `seconds`, to 127.0.0.1 only, then prints
 * one JSON line { events, requests, failed, ms } and exits.
 *
 *   node bench/load.mjs '{"port":8787,"seconds":5,"concurrency":16,"batch":50,"items":10000,"tag":"a"}'
 */
import { request, Agent } from 'node:http'
import { Packr } from 'msgpackr'

const { port, seconds, concurrency = 16, batch = 50, items = 10_000, tag = 'l', pace = 0 } = JSON.parse(process.argv[2])
const packr = new Packr({ useRecords: false })
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const names = Array.from({ length: items }, (_, i) => `I${i}`)
// Zipf-like popularity: item i is drawn with weight ~ 1/(i+1).
const pick = (r) => Math.min(items - 1, Math.floor(Math.exp(r * Math.log(items + 1)) - 1))

let seed = 1
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
let sessions = 0
let ids = 0
function body() {
  const events = []
  const ts = Date.now()
  while (events.length < batch) {
    const session = `${tag}s${++sessions}`
    let item = pick(random())
    for (let i = 0; i < 5 && events.length < batch; i++) {
      events.push({ id: `${tag}e${++ids}`, type: 'click', item: names[item], session, ts })
      // Half the time the visitor moves to a neighbour of the item, else to another popular one.
      item = random() < 0.5 ? (item + 1 + Math.floor(random() * 3)) % items : pick(random())
    }
  }
  return packr.pack({ site: 'demo', events })
}

function post(payload) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/events', method: 'POST', agent, headers: { 'content-type': 'application/msgpack', 'content-length': payload.length } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      },
    )
    req.on('error', () => resolve(0))
    req.end(payload)
  })
}

const started = performance.now()
const until = started + seconds * 1000
let events = 0
let requests = 0
let failed = 0
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const status = await post(body())
      requests++
      if (status === 202) events += batch
      else failed++
      if (pace > 0) await new Promise((r) => setTimeout(r, pace))
    }
  }),
)
const ms = performance.now() - started
agent.destroy()
console.log(JSON.stringify({ events, requests, failed, ms }))

import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import { startLocalCluster } from '../server/dev/local-cluster'
import { spawnNode } from '../server/dev/test-cluster'
import { runLoad } from './clients.mts'

const T0 = performance.now()
const now = () => ((performance.now() - T0) / 1000).toFixed(2)
const cluster = await startLocalCluster({ nodes: 3, readyTimeoutMs: 180_000 })
const prefix = `fo${Date.now()}`
const env = (role: string) => ({ SEQUITUR_KAFKA_BROKERS: cluster.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix, SEQUITUR_DEBUG_STAGES: process.env.TRACE ? '1' : '' })
const processor = await spawnNode(env('processor'))
const edge = await spawnNode({ ...env('edge'), ZZ_KJS: '1' })
const lines: string[] = []
const seen = { p: 0, e: 0 }
const tail = setInterval(() => {
  for (const [k, h] of [['p', processor], ['e', edge]] as const) {
    const out = h.output()
    if (out.length > seen[k]) {
      for (const l of out.slice(seen[k]).split('\n')) if (l.trim()) lines.push(`${now()} ${k} ${l.slice(0, 300)}`)
      seen[k] = out.length
    }
  }
}, 50)
const ws = new WebSocket(`${edge.url.replace('http', 'ws')}/v1/stream?format=json`)
await new Promise((r) => ws.once('open', r))
const waiting = new Map<string, () => void>()
ws.on('message', (data) => {
  const m = JSON.parse(String(data)) as { type: string; rows?: Record<string, unknown> }
  if (m.type === 'rows') for (const item of Object.keys(m.rows ?? {})) waiting.get(item)?.()
})
const probes: string[] = []
let k = 0
async function probe(): Promise<void> {
  const n = k++
  const [a, b] = [`pr-${n}-a`, `pr-${n}-b`]
  ws.send(JSON.stringify({ type: 'subscribe', site: 'demo', items: [a] }))
  await new Promise((r) => setTimeout(r, 20))
  const t = performance.now()
  const pushed = new Promise<number>((resolve) => waiting.set(a, () => resolve(performance.now())))
  const events = [a, b].map((item) => ({ id: randomUUID(), type: 'click', item, session: `pr-${n}`, ts: Date.now() }))
  const res = await fetch(`${edge.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) }).catch(() => undefined)
  const posted = performance.now()
  const at = await Promise.race([pushed, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 90_000))])
  probes.push(`${((t - T0) / 1000).toFixed(2)} probe ${n} post ${res?.status} ${(posted - t).toFixed(0)}ms pushed ${(at - t).toFixed(0)}ms`)
}
// warm up
await runLoad({ port: edge.port, seconds: 20, concurrency: 8, batch: 50, items: 5000, tag: 'w' })
for (let i = 0; i < 10; i++) await probe()
const leader = await cluster.leaderOf(`${prefix}.rows`, 0)
const { Kafka, logLevel } = await import('kafkajs')
const admin = new Kafka({ brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).admin()
await admin.connect()
const controller = (await admin.describeCluster()).controller
await admin.disconnect()
lines.push(`${now()} leaders: rows0 ${leader}, rows1 ${await cluster.leaderOf(`${prefix}.rows`, 1)}, events0 ${await cluster.leaderOf(`${prefix}.events`, 0)}, events1 ${await cluster.leaderOf(`${prefix}.events`, 1)}, increments0 ${await cluster.leaderOf(`${prefix}.increments`, 0)}; controller ${controller}`)
const background = runLoad({ port: edge.port, seconds: 70, concurrency: 4, batch: 50, items: 5000, tag: 'b', pace: 50 })
const running: Promise<void>[] = []
const timer = setInterval(() => running.push(probe()), 250)
await new Promise((r) => setTimeout(r, 3000))
lines.push(`${now()} KILL node ${leader}`)
await cluster.nodes[leader - 1]!.kill()
await new Promise((r) => setTimeout(r, 60_000))
clearInterval(timer)
await Promise.all(running)
await background
clearInterval(tail)
writeFileSync(process.env.OUT ?? '/tmp/fx/failover.log', [...lines, ...probes].sort((x, y) => Number(x.split(' ')[0]) - Number(y.split(' ')[0])).join('\n'))
ws.close()
await processor.kill()
await edge.kill()
await cluster.stop()
console.log('done')
process.exit(0)

import type { Event, ModelRow, ServerMessage } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import WebSocket from 'ws'
import { ITEMS, clickSessions as sessions, offlineRows as offline, postUntilAccepted as post, servedRows as rows } from '../testing'
import { startLocalCluster, type LocalCluster } from '../../dev/local-cluster'
import { spawnNode, type NodeProcess } from '../../dev/test-cluster'
import { topicsOf } from './topics'

let cluster: LocalCluster
const nodes: NodeProcess[] = []

beforeAll(async () => {
  // Three JVMs starting together on two cores take minutes when the machine is busy.
  cluster = await startLocalCluster({ nodes: 3, readyTimeoutMs: 240_000 })
}, 300_000)
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.remove().catch(() => {})))
  await cluster?.stop()
}, 120_000)

async function node(role: 'edge' | 'processor', prefix: string): Promise<NodeProcess> {
  const env = { SEQUITUR_KAFKA_BROKERS: cluster.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix }
  const n = await spawnNode(env)
  nodes.push(n)
  return n
}

/** A WebSocket client subscribed to every row of `ITEMS`: the latest row pushed for each. */
async function subscriber(edge: NodeProcess): Promise<{ latest: () => Record<string, ModelRow | null>; close: () => void }> {
  const ws = new WebSocket(`${edge.url.replace('http', 'ws')}/v1/stream?format=json`)
  const latest: Record<string, ModelRow | null> = {}
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as ServerMessage
    if (m.type === 'rows') Object.assign(latest, m.rows)
  })
  await new Promise((resolve) => ws.once('open', resolve))
  ws.send(JSON.stringify({ type: 'subscribe', site: 'demo', items: ITEMS }))
  return { latest: () => ({ ...latest }), close: () => ws.close() }
}

/** Posts `batches` batches of sessions, 100 ms apart, each retried until a 202; the events acknowledged. */
async function load(edge: NodeProcess, batches: number, acknowledged: Event[]): Promise<void> {
  for (let batch = 0; batch < batches; batch++) {
    const events = sessions(5)
    await post(edge.url, events)
    acknowledged.push(...events)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe.sequential('Kafka mode on a three-broker cluster', () => {
  const prefix = `c${randomUUID().slice(0, 8)}`
  const topics = topicsOf(prefix)
  let edge: NodeProcess
  const acknowledged: Event[] = []

  it('creates its topics with 3 replicas and min.insync.replicas 2', async () => {
    await node('processor', prefix)
    edge = await node('edge', prefix)
    const admin = new Kafka({ clientId: 'cluster-test', brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [topics.events, topics.rows, topics.countsChangelog] })
      for (const t of meta) for (const p of t.partitions) expect(p.replicas, `${t.name}-${p.partitionId}`).toHaveLength(3)
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topics.events, configNames: ['min.insync.replicas'] }] })
      expect(resources[0]?.configEntries[0]?.configValue).toBe('2')
      // The node that created them says how, so an operator sees it in the log.
      expect(nodes.map((n) => n.output()).join('\n')).toMatch(/kafka: creating \d+ topics with 3 replica\(s\), min\.insync\.replicas 2 \(3 broker\(s\)\)/)
    } finally {
      await admin.disconnect()
    }
  }, 120_000)

  // A failure shows what the nodes said (their consumers' crashes, restores, refused transactions).
  const dumpOnFailure = () =>
    onTestFailed(async () => {
      const metrics = await Promise.all(nodes.map((n) => fetch(`${n.url}/metrics`).then((r) => r.text(), () => 'down')))
      const counters = metrics.map((m) => m.split('\n').filter((l) => /^sequitur_(events|late|rows)/.test(l)).join('\n'))
      console.error(`acknowledged ${acknowledged.length} events\n` + nodes.map((n, i) => `== node ${i}\n${counters[i]}\n${n.output().slice(-8000)}`).join('\n'))
    })

  it('SIGKILL of the broker leading the rows partition, then of the one leading an events partition, under load: every 202-acknowledged event counted once, no row change missed by a subscriber', async () => {
    dumpOnFailure()
    const client = await subscriber(edge)
    const killed: string[] = []
    const faults = (async () => {
      for (const [topic, partition] of [[topics.rows, 0], [topics.events, 0]] as const) {
        await new Promise((r) => setTimeout(r, 1500))
        const leader = await cluster.leaderOf(topic, partition)
        killed.push(`node ${leader} (leading ${topic}-${partition})`)
        const victim = cluster.nodes[leader - 1]!
        await victim.kill()
        await new Promise((r) => setTimeout(r, 3000))
        await victim.restart()
      }
    })()
    await load(edge, 60, acknowledged)
    await faults
    expect(killed).toHaveLength(2)
    const expected = offline(acknowledged)
    await expect.poll(() => rows(edge.url), { timeout: 120_000, interval: 500 }).toEqual(expected)
    await expect.poll(() => client.latest(), { timeout: 30_000, interval: 250 }).toEqual(expected)
    client.close()
  }, 300_000)

  it('a rolling restart of all three brokers under load: every 202-acknowledged event counted once, no row change missed', async () => {
    dumpOnFailure()
    const client = await subscriber(edge)
    const rolling = (async () => {
      for (const broker of cluster.nodes) {
        await new Promise((r) => setTimeout(r, 1000))
        await broker.restart()
      }
    })()
    await load(edge, 60, acknowledged)
    await rolling
    const expected = offline(acknowledged)
    await expect.poll(() => rows(edge.url), { timeout: 120_000, interval: 500 }).toEqual(expected)
    await expect.poll(() => client.latest(), { timeout: 30_000, interval: 250 }).toEqual(expected)
    client.close()
  }, 400_000)
})

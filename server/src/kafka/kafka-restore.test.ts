import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clickSessions as sessions, offlineRows as offline, postUntilAccepted as post, servedRows as rows } from '../testing'
import { startLocalBroker, type LocalBroker } from '../../dev/local-broker'
import { spawnNode, type NodeProcess } from '../../dev/test-cluster'

let broker: LocalBroker
const nodes: NodeProcess[] = []

beforeAll(async () => {
  broker = await startLocalBroker()
}, 180_000)
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.remove().catch(() => {})))
  await broker?.stop()
}, 60_000)

async function node(role: 'edge' | 'processor', prefix: string): Promise<NodeProcess> {
  // Snapshots at every transaction, so that a small test has some.
  const n = await spawnNode({ SEQUITUR_KAFKA_BROKERS: broker.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix, SEQUITUR_KAFKA_SNAPSHOT_MINUTES: '0' })
  nodes.push(n)
  return n
}

describe('Kafka mode restores', () => {
  it('a processor on a new machine (no embedded store) loads stage 2 from its snapshots and counts every event once', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const first = await node('processor', prefix)
    const edge = await node('edge', prefix)
    const before = sessions(30)
    await post(edge.url, before)
    await expect.poll(() => rows(edge.url), { timeout: 60_000, interval: 250 }).toEqual(offline(before))
    await expect.poll(() => /counts: partition \d+: snapshot of \d+ keys/.test(first.output()), { timeout: 30_000, interval: 250 }).toBe(true)
    await first.kill('SIGKILL')
    const after = sessions(30)
    await post(edge.url, after)
    // Another node: its own, empty data folder.
    const second = await node('processor', prefix)
    await expect.poll(() => rows(edge.url), { timeout: 90_000, interval: 250 }).toEqual(offline([...before, ...after]))
    expect(second.output()).toMatch(/counts: partition \d+: loaded the snapshot at changelog offset \d+/)
    expect(second.output()).not.toMatch(/batch failed/)
  }, 240_000)
})

import { mergeCursors, parseCursor, type Event, type ModelRow, type RowsMessage, type ServerMessage } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { clicks, clickSessions as sessions, ITEMS, offlineRows as offline, postUntilAccepted as post, servedRows as rows } from '../testing'
import { useLocalBroker } from '../../dev/test-broker'
import { spawnNode, type NodeProcess } from '../../dev/test-cluster'

const broker = useLocalBroker()
const nodes: NodeProcess[] = []
afterAll(async () => void (await Promise.all(nodes.map((n) => n.remove().catch(() => {})))), 60_000)

async function node(role: 'edge' | 'processor', prefix: string): Promise<NodeProcess> {
  const n = await spawnNode({ SEQUITUR_KAFKA_BROKERS: broker().brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix, SEQUITUR_KAFKA_ROWS_PARTITIONS: '3' })
  nodes.push(n)
  return n
}

/**
 * A stream client as the SDK worker is: it merges every cursor received, applies a subscribe's
 * answer, and applies a pushed change only if its cursor is past the one held in its partition.
 */
class Client {
  readonly rows: Record<string, ModelRow | null> = {}
  cursor: number[] = []
  readonly partitions = new Set<number>()
  ignored = 0
  readonly #ws: WebSocket
  readonly #answers: RowsMessage[] = []
  readonly hello: Promise<ServerMessage>

  constructor(url: string) {
    this.#ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream?format=json`)
    this.hello = new Promise((resolve) => this.#ws.once('message', (data) => resolve(JSON.parse(String(data)) as ServerMessage)))
    this.#ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage
      if (m.type === 'rows') this.#take(m)
    })
  }

  async subscribe(message: Record<string, unknown>): Promise<RowsMessage> {
    await this.hello
    const answered = this.#answers.length
    this.#ws.send(JSON.stringify({ type: 'subscribe', site: 'demo', items: ITEMS, ...message }))
    await expect.poll(() => this.#answers.length, { timeout: 10_000 }).toBe(answered + 1)
    return this.#answers.at(-1)!
  }

  /** The rows held that are not empty. */
  live(): Record<string, ModelRow> {
    return Object.fromEntries(Object.entries(this.rows).filter((e): e is [string, ModelRow] => e[1] !== null))
  }

  close(): void {
    this.#ws.close()
  }

  #take(m: RowsMessage): void {
    const got = parseCursor(m.cursor!)!
    if (m.partition === undefined) this.#answers.push(m)
    else {
      this.partitions.add(m.partition)
      if (!(got[m.partition]! > (this.cursor[m.partition] ?? 0))) return void this.ignored++
    }
    Object.assign(this.rows, m.rows)
    this.cursor = mergeCursors(this.cursor, got)
  }
}

/** Sessions that click only `items`, in that order. */
const only = (items: string[], count: number): Event[] => Array.from({ length: count }, (_, i) => clicks(`s-only-${i}-${randomUUID()}`, items)).flat()

describe('Kafka mode with a rows topic of 3 partitions', () => {
  it('a subscriber gets every change; one that resubscribes with its cursor on another edge misses none and gets nothing older', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    await node('processor', prefix)
    const edge1 = await node('edge', prefix)
    const edge2 = await node('edge', prefix)

    const client = new Client(edge1.url)
    const hello = await client.hello
    expect(hello).toMatchObject({ type: 'hello', protocol: 2 })
    expect(parseCursor((hello as { cursor: string }).cursor)).toHaveLength(3)
    await client.subscribe({})
    const first = sessions(40)
    await post(edge1.url, first)
    await expect.poll(() => client.live(), { timeout: 60_000, interval: 250 }).toEqual(offline(first))
    // The rows spread over every partition, and one edge never pushes a change twice.
    expect([...client.partitions].sort()).toEqual([0, 1, 2])
    expect(client.ignored).toBe(0)
    client.close()

    // Changes to three rows while the client is away, read by the other edge.
    const second = only(['I1', 'I2', 'I3'], 5)
    const both = [...first, ...second]
    await post(edge1.url, second)
    await expect.poll(() => rows(edge2.url), { timeout: 60_000, interval: 250 }).toEqual(offline(both))
    const changed = ITEMS.filter((item) => JSON.stringify(offline(first)[item]) !== JSON.stringify(offline(both)[item]))
    expect(changed.length).toBeGreaterThan(0)

    const resumed = new Client(edge2.url)
    // Both edges name the rows topic alike: a cursor of one is resumed on the other.
    const { epoch } = hello as { epoch: string }
    expect(epoch).toMatch(/^[\w-]{12}$/)
    expect(await resumed.hello).toMatchObject({ epoch })
    resumed.cursor = client.cursor
    Object.assign(resumed.rows, client.rows)
    const answer = await resumed.subscribe({ cursor: client.cursor.join('.'), epoch })
    // Every row changed while away, and none the client held already (only the clicked items were written).
    expect(Object.keys(answer.rows)).toEqual(expect.arrayContaining(changed))
    expect(['I1', 'I2', 'I3']).toEqual(expect.arrayContaining(Object.keys(answer.rows)))
    expect(resumed.live()).toEqual(offline(both))
    // Later changes are pushed on the new edge.
    const third = sessions(20)
    const all = [...both, ...third]
    await post(edge1.url, third)
    await expect.poll(() => resumed.live(), { timeout: 60_000, interval: 250 }).toEqual(offline(all))
    expect(resumed.ignored).toBe(0)
    resumed.close()

    // The same cursor from another rows topic (another prefix or cluster) gets every current row.
    const foreign = new Client(edge2.url)
    const other = await foreign.subscribe({ cursor: resumed.cursor.join('.'), epoch: 'another-topic' })
    expect(Object.keys(other.rows).sort()).toEqual(Object.keys(offline(all)).sort())
    foreign.close()

    // A protocol 1 client resuming with `since` on several partitions gets every current row.
    const v1 = new Client(edge2.url)
    const { version } = (await v1.hello) as { version: number }
    const full = await v1.subscribe({ since: version })
    expect(Object.keys(full.rows).sort()).toEqual(Object.keys(offline(all)).sort())
    v1.close()
  }, 240_000)
})

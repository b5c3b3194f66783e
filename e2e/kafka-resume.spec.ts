import { expect, test } from '@playwright/test'
import type { Event, RowsAnswer } from '@sequitur/sdk'
import { randomUUID } from 'node:crypto'
import { startLocalBroker, type LocalBroker } from '../server/dev/local-broker'
import { spawnNode, type NodeProcess } from '../server/dev/test-cluster'

// Kafka mode: a browser subscribed to an edge that restarts reconnects, resumes from its version and
// misses no row change made while the edge was away.
test.describe('Kafka mode, edge restart', () => {
  test.describe.configure({ timeout: 180_000 })
  let broker: LocalBroker
  const nodes: NodeProcess[] = []

  test.beforeAll(async () => {
    broker = await startLocalBroker()
  })
  test.afterAll(async () => {
    await Promise.all(nodes.map((n) => n.remove().catch(() => {})))
    await broker?.stop()
  })

  const post = async (url: string, events: Event[]) => {
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', events }),
    })
    expect(res.status).toBe(202)
  }
  const visits = (path: string[], times: number): Event[] =>
    Array.from({ length: times }, () => {
      const session = `s-${randomUUID()}`
      return path.map((item) => ({ id: randomUUID(), type: 'click' as const, item, session, ts: Date.now() }))
    }).flat()

  test('the browser resumes from its version after the edge restarts and gets the change it missed', async ({ page }) => {
    const prefix = `e2e${randomUUID().slice(0, 8)}`
    const env = (role: string) => ({ SEQUITUR_KAFKA_BROKERS: broker.brokers, SEQUITUR_ROLE: role, SEQUITUR_KAFKA_PREFIX: prefix })
    nodes.push(await spawnNode(env('processor')))
    const edge1 = await spawnNode(env('edge'))
    const edge2 = await spawnNode(env('edge'))
    nodes.push(edge1, edge2)

    // Other visitors: after P1, people went to P5.
    await post(edge2.url, visits(['P1', 'P5'], 2))
    await page.goto(`${edge1.url}/`)
    await page.waitForFunction(() => window.sequitur !== undefined)
    await page.locator('#grid > [data-sq-item="P1"]').click()
    const top = () => page.evaluate(async () => (await window.sequitur!.rerank(['P9', 'P5']))[0]!.item)
    await expect.poll(top, { timeout: 30_000 }).toBe('P5')

    // The edge goes away; meanwhile P9 overtakes P5 after P1, through the other edge.
    await edge1.kill('SIGKILL')
    await post(edge2.url, visits(['P1', 'P9'], 5))
    const firstNext = async () => {
      const answer = (await (await fetch(`${edge2.url}/v1/rows?site=demo&items=P1`)).json()) as RowsAnswer
      return answer.rows.P1?.next[0]
    }
    await expect.poll(firstNext, { timeout: 30_000 }).toEqual(['P9', 5])

    await edge1.restart()
    await expect.poll(top, { timeout: 60_000 }).toBe('P9')
    const reasons = await page.evaluate(async () => (await window.sequitur!.rerank(['P9']))[0]!.reasons)
    expect(reasons).toContainEqual({ from: 'P1', via: 'next', count: 5, total: 7, weight: 1 })
  })
})

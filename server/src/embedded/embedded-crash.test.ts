import type { Event } from '@sequitur/sdk/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnNode, type NodeProcess } from '../../dev/test-cluster'
import { clickSessions, offlineRows, postUntilAccepted, servedRows } from '../testing'

let server: NodeProcess | undefined
afterAll(async () => {
  await server?.remove().catch(() => {})
})

describe('embedded mode, crashed under load', () => {
  it('a server killed with SIGKILL while clients keep sending: after a restart every row equals the offline rows of all events', async () => {
    server = await spawnNode({})
    const url = server.url
    const sent: Event[] = []
    let crashed = false
    // Four clients send batches of 10 sessions back to back, retrying each until it gets a 202.
    const until = performance.now() + 4000
    let retried = 0
    const clients = Array.from({ length: 4 }, async () => {
      while (performance.now() < until) {
        const events = clickSessions(10)
        sent.push(...events)
        if ((await postUntilAccepted(url, events)) > 1) retried++
      }
    })
    // Mid-stream, with applied but uncommitted state in memory (commits come every 250 ms under load).
    await new Promise((r) => setTimeout(r, 1500))
    await server.kill('SIGKILL')
    crashed = true
    await new Promise((r) => setTimeout(r, 300))
    await server.restart()
    await Promise.all(clients)

    expect(crashed).toBe(true)
    // Batches in flight when the server died were sent again (their ids may already be in the log).
    expect(retried).toBeGreaterThan(0)
    await expect.poll(() => servedRows(url), { timeout: 30_000, interval: 250 }).toEqual(offlineRows(sent))
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toMatch(/^sequitur_events_processed_total \d+/m)
  }, 60_000)
})

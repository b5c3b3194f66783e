import { expect, it } from 'vitest'
import { selectedEngines } from '../../driver/launch'
import { forEachEngine } from '../harness'
import { flush, freshItems, pageErrors, sdkReady, until } from '../page-helpers'

// Needs the SDK's bounded outbox and stats() (H15B, issue #15): at most 5,000 events queued, the oldest
// dropped and counted in stats().dropped.full.
const BOUND = 5_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
// The part of H15B's SdkStats this row reads (declared here so the suite typechecks before the merge).
type Stats = { dropped: { full: number } }
type WithStats = { sequitur?: { stats(): Promise<Stats | undefined>; track(e: { type: 'click'; item: string }): void } }

forEachEngine(selectedEngines(), 'fault (awaiting SDK)', (h) => {
  it('endpoint blocked: the outbox stays bounded, the oldest are dropped and counted, retries stop growing', async () => {
    const items = freshItems('blocked', BOUND + 100)
    const tab = await h.open({ list: items.slice(0, 3).join(',') })
    await sdkReady(tab)
    h.proxy.fault = { kind: 'drop' }
    await tab.evaluate((items) => {
      for (const item of items) (window as unknown as WithStats).sequitur!.track({ type: 'click', item })
    }, items)
    const stats = () => tab.evaluate(() => (window as unknown as WithStats).sequitur!.stats(), null)
    await until(async () => ((await stats())?.dropped.full ?? 0) >= 100, 'the oldest dropped', 60_000)
    const posts = () => h.proxy.eventPosts().length
    const first = posts()
    await sleep(5_000)
    const second = posts()
    await sleep(5_000)
    // Backoff: the second 5 s see no more tries than the first.
    expect(posts() - second).toBeLessThanOrEqual(second - first)
    expect(await pageErrors(tab)).toEqual([])

    h.proxy.fault = { kind: 'pass' }
    await flush(tab)
    const dropped = (await stats())!.dropped.full
    const row = await h.result('endpoint-blocked', items, { dropped })
    expect(row.duplicated).toBe(0)
    expect(row.lost).toBe(dropped)
  })
})

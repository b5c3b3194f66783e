import { expect, it } from 'vitest'
import { selectedEngines } from '../driver/launch'
import { forEachEngine } from './harness'
import { flush, freshItems, sdkReady, storageOf, track } from './page-helpers'

// The navigation row has a browser of its own: in WebKit, leaving the page mid-write keeps it in the back/forward
// cache with its worker's IndexedDB transaction suspended, and the origin's IndexedDB stalls for as long as that
// page is kept. The browser ends with this file, so the stall cannot reach the other rows.
forEachEngine(selectedEngines(), 'fault (navigation)', (h) => {
  it('navigation away: the beacon or the next page delivers, each event counted once', async () => {
    const items = freshItems('away', 5)
    const tab = await h.open()
    await sdkReady(tab)
    await track(tab, items)
    await tab.goto(`${h.proxy.origin}/elsewhere`)
    await tab.goto(h.pageUrl())
    await sdkReady(tab)
    await flush(tab)
    // With IndexedDB stalled, the next page's SDK gives up on it after 3 s and keeps its session in memory.
    const note = (await storageOf(tab)) === 'memory' ? 'next page on memory storage: IndexedDB stalled behind the page left mid-write, kept in the back/forward cache' : undefined
    expect(await h.result('navigate-away', items, { note })).toMatchObject({ lost: 0, duplicated: 0, counted: items.length })
  })
})

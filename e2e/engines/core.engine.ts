import { expect, it } from 'vitest'
import type { Event } from '@sequitur/sdk'
import { selectedEngines } from '../driver/launch'
import { forEachEngine } from './harness'
import { flush, freshItems, pageErrors, sdkReady, track, until } from './page-helpers'

type Reranked = { before: string[]; ranked: string[] }
type WithRerank = { __reranked?: Reranked }

forEachEngine(selectedEngines(), 'sdk', (h) => {
  it('delivers tracked events to the server exactly once', async () => {
    const items = freshItems('once', 4)
    const tab = await h.open()
    await sdkReady(tab)
    await track(tab, items)
    await flush(tab)
    // Flushing again sends nothing new.
    await flush(tab)
    const row = await h.result('baseline', items)
    expect(row).toMatchObject({ sent: 4, counted: 4, lost: 0, duplicated: 0, resent: 0 })
    expect(await pageErrors(tab)).toEqual([])
  })

  it('receives pushed rows over the stream and re-ranks the list', async () => {
    const [seen, other, next] = freshItems('stream', 3) as [string, string, string]
    const tab = await h.open({ list: [seen, other, next].join(',') })
    await sdkReady(tab)
    await tab.evaluate(() => {
      document.addEventListener('sequitur:reranked', (event) => {
        const { detail } = event as CustomEvent<{ before: string[]; ranked: Array<{ item: string }> }>
        ;(window as unknown as WithRerank).__reranked = { before: detail.before, ranked: detail.ranked.map((r) => r.item) }
      })
    }, null)
    // A click on the card: auto-capture tracks it and the worker subscribes to the row of `seen`.
    await tab.evaluate((item) => (document.querySelector(`[data-sq-item="${item}"] button`) as HTMLElement).click(), seen)
    await until(async () => (await h.counted([seen])).length === 1 && h.proxy.deliveries().has(seen), 'the click reached the server')
    await new Promise((resolve) => setTimeout(resolve, 500))

    const session = `other-${Math.random().toString(36).slice(2)}`
    const now = Date.now()
    const events: Event[] = [seen, next].map((item, i) => ({ id: `${session}-${i}`, type: 'click', item, session, ts: now + i }))
    const response = await fetch(`${h.server.origin}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
    expect(response.status).toBe(202)

    await until(() => tab.evaluate(() => (window as unknown as WithRerank).__reranked !== undefined, null), 'sequitur:reranked').catch(async (e) => {
      console.log(JSON.stringify(h.proxy.requests.map((r) => [r.method, r.path, r.status, r.items])), await tab.console())
      throw e
    })
    expect(await tab.evaluate(() => (window as unknown as WithRerank).__reranked!, null)).toEqual({ before: [seen, other, next], ranked: [next, seen, other] })
    const order = await tab.evaluate(() => Array.from(document.querySelectorAll("#list > [data-sq-item]")).map((el) => el.getAttribute('data-sq-item')), null)
    expect(order).toEqual([next, seen, other])
    expect(await pageErrors(tab)).toEqual([])
  })
})

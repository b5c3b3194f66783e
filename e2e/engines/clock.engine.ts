import { join } from 'node:path'
import Database from 'better-sqlite3'
import { unpack } from 'msgpackr'
import { expect, it } from 'vitest'
import type { EngineName } from '../driver/engine'
import { selectedEngines } from '../driver/launch'
import { FAULTS } from './fault-matrix'
import { forEachEngine, type Harness } from './harness'
import { flush, freshItems, pageErrors, sdkReady, track, until } from './page-helpers'

const HOUR_MS = 3_600_000
const runs = (fault: string, engine: EngineName) => {
  const row = FAULTS.find((r) => r.id === fault)
  return !row?.cannot?.[engine] && !row?.notRun?.[engine]
}

/** Each stored event of `items`: its time as stored, against when the server's log appended it (the server's clock). */
function storedTimes(h: Harness, items: string[]): Array<{ item: string; ts: number; appendedAt: number }> {
  const db = new Database(join(h.server.dataDir, 'log.db'), { readonly: true, fileMustExist: true })
  try {
    const wanted = new Set(items)
    const rows = db.prepare("SELECT body, appended_at FROM log WHERE site = 'demo' ORDER BY seq DESC LIMIT 500").all() as Array<{ body: Buffer; appended_at: number }>
    return rows
      .map((row) => ({ event: unpack(row.body) as { item?: string; ts: number }, appendedAt: row.appended_at }))
      .filter(({ event }) => event.item !== undefined && wanted.has(event.item))
      .map(({ event, appendedAt }) => ({ item: event.item!, ts: event.ts, appendedAt }))
  } finally {
    db.close()
  }
}

// The browser's whole clock moved by libfaketime (driver/engine.ts clockEnv); the server's stays true. The SDK's
// worker measures the offset from the `Date` header of its first answer (trending) and stamps events by it.
for (const [fault, hours] of [
  ['clock-ahead', 3],
  ['clock-behind', -5],
] as const) {
  forEachEngine(
    selectedEngines().filter((engine) => runs(fault, engine)),
    'clock fault',
    (h) => {
      it(`device clock ${hours > 0 ? '+' : ''}${hours} h: events stored at the server's time and counted once`, async () => {
        const items = freshItems(fault, 4)
        const tab = await h.open()
        const skew = (await tab.evaluate(() => Date.now(), null)) - Date.now()
        // The engine really runs on the moved clock.
        expect(Math.abs(skew - hours * HOUR_MS)).toBeLessThan(60_000)
        await sdkReady(tab)
        await until(async () => h.proxy.requests.some((r) => r.path === '/v1/trending' && r.status === 200), 'the first answer (trending)')
        await new Promise((resolve) => setTimeout(resolve, 300))
        await track(tab, items)
        await flush(tab)
        await h.settle(items)
        const stored = storedTimes(h, items)
        const note = `page clock ${(skew / HOUR_MS).toFixed(2)} h off; stored event times within ${worst(stored)} s of the server's clock`
        const row = await h.result(fault, items, { note })
        expect(row).toMatchObject({ lost: 0, duplicated: 0, counted: items.length })
        expect(stored.map((s) => s.item).sort()).toEqual([...items].sort())
        for (const s of stored) expect(Math.abs(s.ts - s.appendedAt)).toBeLessThan(5_000)
        expect(await pageErrors(tab)).toEqual([])
      })
    },
    { launch: { clockOffsetHours: hours } },
  )
}

/** The largest distance between a stored time and its append time, in whole seconds (rounded up). */
function worst(stored: Array<{ ts: number; appendedAt: number }>): number {
  return Math.ceil(Math.max(0, ...stored.map((s) => Math.abs(s.ts - s.appendedAt))) / 1000)
}

import type { Event } from '@sequitur/sdk/protocol'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { EventSink, EventSource, LogRecord } from '../log'

/** A click with a fixed session and time. */
export const click = (id: string, item = 'A'): Event => ({ id, type: 'click', item, session: 's', ts: 1 })

/** A fresh log file in a temp folder. */
export const tempLogFile = () => join(mkdtempSync(join(tmpdir(), 'sequitur-log-')), 'log.db')

/**
 * What both embedded logs must do: three appends in one turn (a repeated id, another site), then
 * one more; checks the answers and the positions read back (an ignored repeat uses a position up).
 * Returns the records read and how often the log notified after the first three.
 */
export async function appendSample(log: EventSink & EventSource): Promise<{ records: LogRecord[]; notified: number }> {
  let notified = 0
  log.onAppend(() => notified++)
  const results = await Promise.all([
    log.append('demo', [click('a'), click('b')]),
    log.append('demo', [click('b'), click('c')]),
    log.append('other', [click('a')]),
  ])
  expect(results).toEqual([
    { accepted: 2, duplicates: 0 },
    { accepted: 1, duplicates: 1 },
    { accepted: 1, duplicates: 0 },
  ])
  const afterThree = notified
  await log.append('demo', [click('d')])
  const records = log.read(0, 10)
  expect(records.map((r) => [r.seq, r.site, r.event.id])).toEqual([
    [1, 'demo', 'a'],
    [2, 'demo', 'b'],
    [4, 'demo', 'c'],
    [5, 'other', 'a'],
    [6, 'demo', 'd'],
  ])
  expect(log.read(2, 2).map((r) => r.seq)).toEqual([4, 5])
  return { records, notified: afterThree }
}

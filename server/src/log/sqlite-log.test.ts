import type { Event } from '@sequitur/sdk/protocol'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SqliteLog } from './sqlite-log'

const click = (id: string, item = 'A'): Event => ({ id, type: 'click', item, session: 's', ts: 1 })

describe('SqliteLog', () => {
  it('commits the appends of one turn together, skips repeated ids, and reads the same records from memory and from disk', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-log-')), 'log.db')
    const log = new SqliteLog({ file })
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
    expect(notified).toBe(1) // one commit for the three appends
    await log.append('demo', [click('d')])

    const fromMemory = log.read(0, 10)
    // The ignored repeat of 'b' used up a seq: positions rise but may skip.
    expect(fromMemory.map((r) => [r.seq, r.site, r.event.id])).toEqual([
      [1, 'demo', 'a'],
      [2, 'demo', 'b'],
      [4, 'demo', 'c'],
      [5, 'other', 'a'],
      [6, 'demo', 'd'],
    ])
    expect(log.read(2, 2).map((r) => r.seq)).toEqual([4, 5])
    expect(log.read(3, 1).map((r) => r.seq)).toEqual([4])
    expect(log.read(6, 10)).toEqual([])
    log.close()

    const reopened = new SqliteLog({ file })
    expect(reopened.read(0, 10)).toEqual(fromMemory)
    expect(reopened.read(2, 2)).toEqual(fromMemory.slice(2, 4))
    await reopened.append('demo', [click('e')])
    expect(reopened.read(4, 10).map((r) => r.event.id)).toEqual(['a', 'd', 'e'])
    reopened.close()
  })
})

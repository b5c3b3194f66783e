import { describe, expect, it } from 'vitest'
import { appendSample, click, tempLogFile } from '../testing'
import { SqliteLog } from './sqlite-log'

describe('SqliteLog', () => {
  it('commits the appends of one turn together, skips repeated ids, and reads the same records from memory and from disk', async () => {
    const file = tempLogFile()
    const log = new SqliteLog({ file })
    // (The ignored repeat of 'b' uses up a seq: positions rise but may skip.)
    const { records: fromMemory, notified } = await appendSample(log)
    expect(notified).toBe(1) // one commit for the three appends
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

  it("trims a site's applied records older than its own retention, leaving other sites' and later ones", async () => {
    let now = 1_000
    const file = tempLogFile()
    const log = new SqliteLog({ file, clock: () => now })
    await log.append('short', [click('a')])
    await log.append('long', [click('a')])
    now = 2_000
    await log.append('short', [click('b')])
    expect(log.trim(10, 1_500, 'short')).toBe(1)
    log.close()
    // What the file holds (a running log also keeps recent records in memory for the processor).
    const reopened = new SqliteLog({ file })
    expect(reopened.read(0, 10).map((r) => `${r.site}:${r.event.id}`)).toEqual(['long:a', 'short:b'])
    reopened.close()
  })
})

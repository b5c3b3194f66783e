import type { Event } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { encodeMsgpack } from '../http'
import { appendSample, click, tempLogFile } from '../testing'
import { SqliteLog } from './sqlite-log'
import { ThreadedLog } from './threaded-log'

describe('ThreadedLog', () => {
  it('appends on its writer thread, skips repeated ids, and reads the same records from memory and from disk', async () => {
    const file = tempLogFile()
    const log = new ThreadedLog({ file, clock: () => 1_000 })
    const { records: fromMemory, notified } = await appendSample(log)
    expect(notified).toBeGreaterThan(0)

    // Appends still on the writer when the log closes are committed and answered, not lost.
    const last = log.append('demo', [click('e'), click('a')])
    await log.close()
    await expect(last).resolves.toEqual({ accepted: 1, duplicates: 1 })
    await expect(log.append('demo', [click('f')])).rejects.toThrow(/closed/)

    const reopened = new SqliteLog({ file })
    expect(reopened.read(0, 10)).toEqual([...fromMemory, { seq: 7, site: 'demo', event: click('e'), receivedAt: 1_000 }])
    // The main thread's clock stamps the records (their receive time, the model's bound on event time), so retention follows it.
    expect(reopened.trim(10, 1_001)).toBe(6)
    reopened.close()
  })

  it('reads what an earlier process appended from disk, then its own appends from memory', async () => {
    const file = tempLogFile()
    const first = new SqliteLog({ file })
    await first.append('demo', [click('a'), click('b')])
    first.close()
    const log = new ThreadedLog({ file })
    expect(await log.append('demo', [click('b'), click('c')])).toEqual({ accepted: 1, duplicates: 1 })
    expect(log.read(0, 10).map((r) => r.event.id)).toEqual(['a', 'b', 'c'])
    expect(log.read(1, 10).map((r) => r.event.id)).toEqual(['b', 'c'])
    await log.close()
  })

  it('stores each event of a msgpack request body as the bytes it came in, and refuses a body that does not match', async () => {
    const file = tempLogFile()
    const log = new ThreadedLog({ file })
    const events = [click('a'), { ...click('b'), type: 'impression', items: ['x', 'y'] } as unknown as Event]
    const body = encodeMsgpack({ events, site: 'demo' })
    expect(await log.append('demo', events, body)).toEqual({ accepted: 2, duplicates: 0 })
    expect(body.length).toBeGreaterThan(0) // the caller's bytes stay usable: a copy was moved
    await expect(log.append('demo', [click('c'), click('d')], encodeMsgpack({ site: 'demo', events: [click('c')] }))).rejects.toThrow(/does not match/)
    await log.close()
    const reopened = new SqliteLog({ file })
    expect(reopened.read(0, 10).map((r) => r.event)).toEqual(events)
    reopened.close()
  })

  it('when its writer thread dies after a commit it did not answer: the append fails, a new writer starts, and nothing is lost or doubled', async () => {
    const file = tempLogFile()
    let restarts = 0
    const log = new ThreadedLog({ file, writer: import.meta.resolve('../testing/crashing-log-writer.ts'), onRestart: () => restarts++ })
    await expect(log.append('demo', [click('a')])).rejects.toThrow(/writer stopped/)
    expect(restarts).toBe(1)
    // The client retries with its next event: the first is already in the log.
    expect(await log.append('demo', [click('a'), click('b')])).toEqual({ accepted: 1, duplicates: 1 })
    expect(log.read(0, 10).map((r) => [r.seq, r.event.id])).toEqual([
      [1, 'a'],
      [3, 'b'],
    ])
    await log.close()
  })
})

import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { CountStage } from './count-stage'
import { modelOptions } from './rules'
import { decodeEntry, encodeEntry, type StateEntry } from './state-codec'

const D = 20_000
const at = (day: number) => day * DAY_MS + 3_600_000

/** A stage with A → B counted on `day`, its clock there. */
function stage(windowDays: number) {
  const s = new CountStage(modelOptions({ windowDays }))
  s.clock('shop', at(D))
  s.row('shop', 'A', at(D))
  s.cell('next', 'B', D, 2)
  return s
}

const drained = (s: CountStage) => {
  const out: StateEntry[] = []
  s.drainState((e) => out.push(e))
  return out
}

describe('CountStage: holds of a validation', () => {
  it('keeps the rows a held request reads after their days leave the window, deletes their cells only once released', () => {
    // Window 3: the validation of day D + 1 reads day D (validationFrom), which leaves when day D + 3 begins.
    const s = stage(3)
    s.clock('shop', at(D + 1))
    const before = s.rowsBefore('shop', D + 1)('A')
    expect(before).toEqual({ total: 2, next: [['B', 2]] })
    s.hold('shop', 7, 0, D + 1)
    expect(s.held('shop', 7, 0)).toBe(true)
    drained(s)
    s.clock('shop', at(D + 3))
    expect(s.rowOf('shop', 'A')).toBeNull()
    expect(s.rowsBefore('shop', D + 1)('A')).toEqual(before)
    // The changelog keeps the cell while held: a restart would bring it back.
    expect(drained(s).filter((e) => e.kind === 'cell')).toEqual([])
    s.release('shop', 7, 0)
    expect(s.held('shop', 7, 0)).toBe(false)
    expect(s.rowsBefore('shop', D + 1)('A')).toBeUndefined()
    expect(drained(s)).toEqual(
      expect.arrayContaining([
        { kind: 'cell', site: 'shop', stat: 'next', src: 'A', dst: 'B', day: D, n: 0 },
        { kind: 'hold', site: 'shop', offset: 7, k: 0, day: null },
      ]),
    )
  })

  it('restores a hold with the cells it keeps, and lets a hold whose second round never came go after a window', () => {
    const s = stage(3)
    s.clock('shop', at(D + 1))
    s.hold('shop', 7, 0, D + 1)
    s.clock('shop', at(D + 3))
    const stored = new Map<string, Buffer | null>()
    for (const e of [...drained(s)]) stored.set(...encodeEntry(e))
    const again = new CountStage(modelOptions({ windowDays: 3 }))
    // What the state held before this drain too: the cell and the clock of day D.
    for (const e of [{ kind: 'cell', site: 'shop', stat: 'next', src: 'A', dst: 'B', day: D, n: 2 } as StateEntry]) stored.set(...encodeEntry(e))
    for (const [key, value] of stored) if (value) again.restore(decodeEntry(key, value))
    again.restored()
    expect(again.held('shop', 7, 0)).toBe(true)
    expect(again.rowsBefore('shop', D + 1)('A')).toEqual({ total: 2, next: [['B', 2]] })
    // Day D + 4: the held day (D + 1) left the window: the hold goes, and what it kept.
    again.clock('shop', at(D + 4))
    expect(again.held('shop', 7, 0)).toBe(false)
    expect(again.rowsBefore('shop', D + 1)('A')).toBeUndefined()
  })
})

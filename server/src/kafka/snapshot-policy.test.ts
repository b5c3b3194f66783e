import { describe, expect, it } from 'vitest'
import { SNAPSHOT_POLICY, snapshotDue } from './snapshot-policy'

describe('snapshotDue', () => {
  const policy = { minBytes: 1000, everyMs: 60_000 }

  it('is never due with nothing written since the last snapshot, however long ago', () => {
    expect(snapshotDue({ bytes: 0, ms: 10 * 60 * 60_000, stateBytes: 0 }, policy)).toBe(false)
  })

  it('is due after the minimum of changelog, or the state\'s size when that is larger', () => {
    expect(snapshotDue({ bytes: 999, ms: 0, stateBytes: 0 }, policy)).toBe(false)
    expect(snapshotDue({ bytes: 1000, ms: 0, stateBytes: 0 }, policy)).toBe(true)
    expect(snapshotDue({ bytes: 4000, ms: 0, stateBytes: 5000 }, policy)).toBe(false)
    expect(snapshotDue({ bytes: 5000, ms: 0, stateBytes: 5000 }, policy)).toBe(true)
  })

  it('is due after its interval once anything was written', () => {
    expect(snapshotDue({ bytes: 1, ms: 59_999, stateBytes: 5000 }, policy)).toBe(false)
    expect(snapshotDue({ bytes: 1, ms: 60_000, stateBytes: 5000 }, policy)).toBe(true)
  })

  it('defaults to 64 MB or 10 minutes', () => {
    expect(SNAPSHOT_POLICY).toEqual({ minBytes: 64 * 1024 * 1024, everyMs: 600_000 })
    expect(snapshotDue({ bytes: 64 * 1024 * 1024 - 1, ms: 599_999, stateBytes: 0 })).toBe(false)
    expect(snapshotDue({ bytes: 64 * 1024 * 1024, ms: 0, stateBytes: 0 })).toBe(true)
  })
})

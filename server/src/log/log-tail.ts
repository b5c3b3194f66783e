import type { LogRecord } from './event-log'

/**
 * The latest records a process appended, kept in memory so that the processor reads them without
 * SQL or decoding. Positions rise but may skip (an ignored repeated id uses one up). When it holds
 * more than `capacity` records, the older half is dropped.
 */
export class LogTail {
  #records: LogRecord[] = []

  constructor(readonly capacity = 50_000) {}

  /** Adds records appended after every record held. */
  push(records: readonly LogRecord[]): void {
    for (const r of records) this.#records.push(r)
    if (this.#records.length > this.capacity) this.#records = this.#records.slice(-this.capacity / 2)
  }

  /** Forgets the records of a site (the site was removed). */
  removeSite(site: string): void {
    this.#records = this.#records.filter((r) => r.site !== site)
  }

  /** At most `max` records after `after`, or undefined when the tail does not reach back that far. */
  read(after: number, max: number): LogRecord[] | undefined {
    const records = this.#records
    if (records.length === 0 || after < records[0]!.seq - 1) return undefined
    let lo = 0
    let hi = records.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (records[mid]!.seq <= after) lo = mid + 1
      else hi = mid
    }
    return records.slice(lo, lo + max)
  }
}

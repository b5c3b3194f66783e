import { dict, dictOf, type ModelRow, type Row } from '@sequitur/sdk/protocol'
import { randomInt } from 'node:crypto'
import { newer, type Since } from './row-answers'
import type { Db } from './sqlite'

/**
 * Rows of the model keyed by item, as an edge serves them. `null` marks a row that became empty. Any
 * id is a key, `__proto__` included: make one with `dict()` and read it by own keys, never as `{}`.
 */
export type RowMap = Record<string, ModelRow | null>

/** The edge's read side of the model. */
export interface RowView {
  /** The version of the latest change held (on several rows partitions, the sum of `cursor()`). */
  version(): number
  /**
   * The next offset of each rows partition this view has applied: a client holding it has every
   * change before it. One partition whose entry is `version()` where versions are global (embedded).
   */
  cursor(): number[]
  /** The non-empty rows of `items`: next-click counts only, unless `related` is asked for. */
  rows(site: string, items: readonly string[], related?: boolean): Record<string, ModelRow>
  /**
   * The rows of `items` changed after `since` (a version, or a cursor's offsets: a row at or past its
   * partition's entry), empty ones as `null`; every row when `since` is absent.
   */
  changedSince(site: string, items: readonly string[], since?: Since): RowMap
  /** Keeps the rows of `items` in memory while subscribers hold them (a view that holds every row has neither). */
  hold?(site: string, items: readonly string[]): void
  /** No subscriber holds the rows of `items` any more: they may leave memory. */
  release?(site: string, items: readonly string[]): void
}

/** A row as stored, keyed by site and item (what a commit writes). */
export interface StoredRow extends Stored {
  site: string
}

interface Stored {
  item: string
  version: number
  total: number
  next: string
  related: string | null
  attrs: string | null
}

/**
 * The materialized rows in SQLite, each with the version that last changed it; an emptied row stays
 * as a tombstone (total 0) so that a client resuming from an older version learns it is gone.
 * `put` holds a row in memory (readers see it at once); a commit `take`s what is held and `write`s
 * it, and readers see it in memory until the commit has `written` it.
 */
export class RowTable implements RowView {
  /** `site \0 item` → rows put since the last `take`. */
  /** `row` undefined: changed at `version`, derived from the model when first read or taken. */
  readonly #held = new Map<string, { site: string; item: string; version: number; row: ModelRow | null | undefined }>()
  /** Rows taken by commits not yet written (oldest first), still served from here. */
  readonly #writing: Array<{ rows: Map<string, StoredRow>; version: number }> = []
  #derive: ((site: string, item: string) => ModelRow | null) | undefined
  #heldVersion = 0
  readonly #put
  readonly #get
  readonly #version
  readonly #setVersion

  constructor(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rows (
        site TEXT NOT NULL, item TEXT NOT NULL, version INTEGER NOT NULL,
        total INTEGER NOT NULL, next TEXT NOT NULL, related TEXT, PRIMARY KEY (site, item)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS row_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);`)
    // Rows written before attributes existed: add the column in place.
    const columns = db.prepare('PRAGMA table_info(rows)').all() as Array<{ name: string }>
    if (!columns.some((c) => c.name === 'attrs')) db.exec('ALTER TABLE rows ADD COLUMN attrs TEXT')
    this.#put = db.prepare(
      `INSERT INTO rows (site, item, version, total, next, related, attrs) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, item) DO UPDATE SET
         version = excluded.version, total = excluded.total, next = excluded.next, related = excluded.related,
         attrs = excluded.attrs`,
    )
    this.#get = db.prepare(
      `SELECT item, version, total, next, related, attrs FROM rows WHERE site = ? AND item IN (SELECT value FROM json_each(?))`,
    )
    this.#version = db.prepare(`SELECT value FROM row_meta WHERE key = 'version'`).pluck()
    this.#setVersion = db.prepare(
      `INSERT INTO row_meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    )
    // A random number drawn when the file first holds rows' versions: a new file starts them again.
    db.prepare(`INSERT OR IGNORE INTO row_meta (key, value) VALUES ('epoch', ?)`).run(randomInt(2 ** 47))
    this.epoch = (db.prepare(`SELECT value FROM row_meta WHERE key = 'epoch'`).pluck().get() as number).toString(36)
  }

  /** Names this file's sequence of row versions (for the stream's cursors). */
  readonly epoch: string

  /** Holds a row (or its tombstone) at `version` until the next `take`. */
  put(site: string, item: string, version: number, row: ModelRow | null): void {
    this.#held.set(`${site}\0${item}`, { site, item, version, row })
    this.#heldVersion = Math.max(this.#heldVersion, version)
  }

  /** Sets how a row marked `stale` is made from the writer's model. */
  deriveWith(derive: (site: string, item: string) => ModelRow | null): void {
    this.#derive = derive
  }

  /**
   * Marks a row changed at `version` without deriving it: the `deriveWith` function makes it when first read
   * or taken (most changed rows are read by nobody before the next commit).
   */
  stale(site: string, item: string, version: number): void {
    this.#held.set(`${site}\0${item}`, { site, item, version, row: undefined })
    this.#heldVersion = Math.max(this.#heldVersion, version)
  }

  /**
   * Takes the rows held (each once, at its latest version) for a commit to `write`; they are still
   * served from memory until `written` says that commit landed.
   */
  take(): { rows: StoredRow[]; version: number } {
    const rows = new Map<string, StoredRow>()
    for (const [key, h] of this.#held) rows.set(key, { site: h.site, ...toStored(h.item, h.version, this.#rowOf(h)) })
    this.#held.clear()
    const version = Math.max(this.#heldVersion, this.#writing.at(-1)?.version ?? 0)
    this.#writing.push({ rows, version })
    return { rows: [...rows.values()], version }
  }

  /** The oldest commit's rows are written: read them from the table from now on. */
  written(): void {
    this.#writing.shift()
  }

  /** Stores rows and the latest version (call inside the commit's transaction). */
  write(rows: readonly StoredRow[], version: number): void {
    if (rows.length === 0) return
    for (const s of rows) this.#put.run(s.site, s.item, s.version, s.total, s.next, s.related, s.attrs)
    this.#setVersion.run(version)
  }

  /** Forgets the rows held and being written (the writer's state was reloaded from its last commit). */
  discard(): void {
    this.#held.clear()
    this.#writing.length = 0
    this.#heldVersion = 0
  }

  version(): number {
    return Math.max(this.#heldVersion, this.#writing.at(-1)?.version ?? 0, (this.#version.get() as number | undefined) ?? 0)
  }

  rows(site: string, items: readonly string[], related = false): Record<string, ModelRow> {
    const out = dict<ModelRow>()
    for (const s of this.#select(site, items)) {
      if (related ? isLive(s) : s.total > 0) out[s.item] = related ? toRow(s) : { total: s.total, next: toRow(s).next }
    }
    return out
  }

  cursor(): number[] {
    return [this.version()]
  }

  changedSince(site: string, items: readonly string[], since?: Since): RowMap {
    const out: RowMap = dict()
    for (const s of this.#select(site, items)) {
      if (since === undefined ? isLive(s) : newer(s.version, 0, since)) out[s.item] = isLive(s) ? toRow(s) : null
    }
    return out
  }

  #rowOf(held: { site: string; item: string; row: ModelRow | null | undefined }): ModelRow | null {
    if (held.row === undefined) held.row = this.#derive!(held.site, held.item)
    return held.row
  }

  #select(site: string, items: readonly string[]): Stored[] {
    if (items.length === 0) return []
    const stored = this.#get.all(site, JSON.stringify(items)) as Stored[]
    if (this.#held.size === 0 && this.#writing.length === 0) return stored
    const newer = new Map<string, Stored>()
    for (const item of new Set(items)) {
      const key = `${site}\0${item}`
      const held = this.#held.get(key)
      if (held) {
        newer.set(item, toStored(item, held.version, this.#rowOf(held)))
        continue
      }
      for (let i = this.#writing.length - 1; i >= 0; i--) {
        const row = this.#writing[i]!.rows.get(key)
        if (row) {
          newer.set(item, row)
          break
        }
      }
    }
    return [...stored.filter((s) => !newer.has(s.item)), ...newer.values()]
  }
}

function toStored(item: string, version: number, row: ModelRow | null): Stored {
  return {
    item,
    version,
    total: row?.total ?? 0,
    next: JSON.stringify(row?.next ?? []),
    related: row?.related ? JSON.stringify(row.related) : null,
    attrs: row?.attrs ? JSON.stringify(row.attrs) : null,
  }
}

/** A tombstone has neither next clicks nor related items. */
const isLive = (s: Stored) => s.total > 0 || s.related !== null

function toRow(s: Stored): ModelRow {
  const row: ModelRow = { total: s.total, next: JSON.parse(s.next) as Row['next'] }
  if (s.related !== null) row.related = JSON.parse(s.related) as NonNullable<ModelRow['related']>
  if (s.attrs !== null) row.attrs = dictOf(JSON.parse(s.attrs) as NonNullable<ModelRow['attrs']>)
  return row
}

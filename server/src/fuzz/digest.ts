import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { join } from 'node:path'

/** The state a refused input must leave as it was. */
export interface Digest {
  /** `sequitur_events_in_total`. */
  eventsIn: number
  /** Entries in the embedded log. */
  logLength: number
  /** The watched site's rows of a fixed item set (hostile ids among them), trending and catalog. */
  rows: string
  trending: string
  catalog: string
}

/** Items whose rows the digest reads. */
export const DIGEST_ITEMS = ['P1', 'P7', 'F1', 'F2', '__proto__', 'constructor', 'toString', 'toJSON']

/** Reads digests of a running server (its HTTP API, and its data dir read-only). */
export class DigestReader {
  readonly #base: string
  readonly #site: string
  readonly #secret: string
  readonly #log: Database.Database
  readonly #state: Database.Database

  constructor(port: number, dataDir: string, site: string, secret: string) {
    this.#base = `http://127.0.0.1:${port}`
    this.#site = site
    this.#secret = secret
    this.#log = new Database(join(dataDir, 'log.db'), { readonly: true, fileMustExist: true })
    this.#state = new Database(join(dataDir, 'state.db'), { readonly: true, fileMustExist: true })
  }

  async read(): Promise<Digest> {
    const items = DIGEST_ITEMS.map(encodeURIComponent).join(',')
    const [metrics, rows, trending] = await Promise.all([
      this.#get('/metrics'),
      this.#get(`/v1/rows?site=${this.#site}&items=${items}`),
      this.#get(`/v1/trending?site=${this.#site}`),
    ])
    const catalog = this.#state.prepare('SELECT site, id, item FROM catalog ORDER BY site, id').all()
    return {
      eventsIn: Number(/^sequitur_events_in_total (\d+)/m.exec(metrics)?.[1] ?? 0),
      logLength: (this.#log.prepare('SELECT count(*) AS n FROM log').get() as { n: number }).n,
      rows: withoutVersion(rows),
      trending: withoutVersion(trending),
      catalog: createHash('sha256').update(JSON.stringify(catalog)).digest('hex'),
    }
  }

  /** Closes the read-only database handles. */
  close(): void {
    this.#log.close()
    this.#state.close()
  }

  async #get(path: string): Promise<string> {
    const response = await fetch(`${this.#base}${path}`, { headers: { authorization: `Bearer ${this.#secret}` } })
    return response.text()
  }
}

// The version moves with every accepted event of any site; the content is what must not. Keys are
// sorted: a JSON object's order is not content (rows come in the order the store finds them, which
// differs while the processor holds rows not yet committed).
function withoutVersion(text: string): string {
  try {
    const { version: _version, ...rest } = JSON.parse(text) as Record<string, unknown>
    return JSON.stringify(rest, (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value,
    )
  } catch {
    return text
  }
}

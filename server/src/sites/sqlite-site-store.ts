import type { Db } from '../state'
import type { SiteRecord } from './site-record'
import type { SiteChange, SiteStore } from './site-store'

/** The site records of embedded mode: table `sites` in the state database, one JSON record per site. */
export class SqliteSiteStore implements SiteStore {
  readonly #db: Db
  #onChange: SiteChange = () => {}

  constructor(db: Db) {
    this.#db = db
    db.exec('CREATE TABLE IF NOT EXISTS sites (site TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID')
  }

  async start(onChange: SiteChange): Promise<void> {
    this.#onChange = onChange
    const rows = this.#db.prepare('SELECT site, record FROM sites').all() as Array<{ site: string; record: string }>
    for (const { site, record } of rows) onChange(site, JSON.parse(record) as SiteRecord)
  }

  async put(record: SiteRecord): Promise<void> {
    this.#db
      .prepare('INSERT INTO sites (site, record) VALUES (?, ?) ON CONFLICT (site) DO UPDATE SET record = excluded.record')
      .run(record.site, JSON.stringify(record))
    this.#onChange(record.site, record)
  }

  async remove(site: string): Promise<void> {
    this.#db.prepare('DELETE FROM sites WHERE site = ?').run(site)
    this.#onChange(site, undefined)
  }

  async stop(): Promise<void> {
    this.#onChange = () => {}
  }
}

import type { CatalogItem } from '@sequitur/sdk/protocol'
import type { Db } from '../state/sqlite'
import type { Catalog } from './catalog'

/** The catalog of the embedded mode: a table in the state database. */
export class SqliteCatalog implements Catalog {
  readonly #put
  readonly #delete
  readonly #get
  readonly #size
  readonly #upsertAll
  readonly #removeAll

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS catalog (
      site TEXT NOT NULL, id TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (site, id)) WITHOUT ROWID`)
    this.#put = db.prepare(
      'INSERT INTO catalog (site, id, item) VALUES (?, ?, ?) ON CONFLICT (site, id) DO UPDATE SET item = excluded.item',
    )
    this.#delete = db.prepare('DELETE FROM catalog WHERE site = ? AND id = ?')
    this.#get = db.prepare('SELECT item FROM catalog WHERE site = ? AND id = ?').pluck()
    this.#size = db.prepare('SELECT count(*) FROM catalog WHERE site = ?').pluck()
    this.#upsertAll = db.transaction((site: string, items: readonly CatalogItem[]) => {
      for (const item of items) this.#put.run(site, item.id, JSON.stringify(item))
    })
    this.#removeAll = db.transaction((site: string, ids: readonly string[]) =>
      ids.reduce((n, id) => n + this.#delete.run(site, id).changes, 0),
    )
  }

  async upsert(site: string, items: readonly CatalogItem[]): Promise<void> {
    this.#upsertAll(site, items)
  }

  async remove(site: string, ids: readonly string[]): Promise<number> {
    return this.#removeAll(site, ids) as number
  }

  get(site: string, id: string): CatalogItem | undefined {
    const json = this.#get.get(site, id) as string | undefined
    return json === undefined ? undefined : (JSON.parse(json) as CatalogItem)
  }

  size(site: string): number {
    return this.#size.get(site) as number
  }
}

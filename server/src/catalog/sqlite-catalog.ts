import type { CatalogItem } from '@sequitur/sdk/protocol'
import type { Db } from '../state'
import type { Catalog } from './catalog'

/** Items kept parsed in memory (a miss is kept too); the cache starts over when it is full. */
const CACHE_ITEMS = 200_000

/**
 * The catalog of the embedded mode: a table in the state database, read through an in-memory cache
 * (the processor looks attributes up for every item a changed row names).
 */
export class SqliteCatalog implements Catalog {
  readonly #cache = new Map<string, CatalogItem | null>()
  readonly #put
  readonly #delete
  readonly #get
  readonly #size
  readonly #upsertAll
  readonly #removeAll
  readonly #removeSite

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS catalog (
      site TEXT NOT NULL, id TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (site, id)) WITHOUT ROWID`)
    this.#put = db.prepare(
      'INSERT INTO catalog (site, id, item) VALUES (?, ?, ?) ON CONFLICT (site, id) DO UPDATE SET item = excluded.item',
    )
    this.#delete = db.prepare('DELETE FROM catalog WHERE site = ? AND id = ?')
    this.#get = db.prepare('SELECT item FROM catalog WHERE site = ? AND id = ?').pluck()
    this.#removeSite = db.prepare('DELETE FROM catalog WHERE site = ?')
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
    for (const item of items) this.#cache.delete(`${site}\0${item.id}`)
  }

  async remove(site: string, ids: readonly string[]): Promise<number> {
    const removed = this.#removeAll(site, ids) as number
    for (const id of ids) this.#cache.delete(`${site}\0${id}`)
    return removed
  }

  async removeSite(site: string): Promise<number> {
    const removed = this.#removeSite.run(site).changes
    this.#cache.clear()
    return removed
  }

  get(site: string, id: string): CatalogItem | undefined {
    const key = `${site}\0${id}`
    let item = this.#cache.get(key)
    if (item === undefined) {
      const json = this.#get.get(site, id) as string | undefined
      item = json === undefined ? null : (JSON.parse(json) as CatalogItem)
      if (this.#cache.size >= CACHE_ITEMS) this.#cache.clear()
      this.#cache.set(key, item)
    }
    return item ?? undefined
  }

  size(site: string): number {
    return this.#size.get(site) as number
  }
}

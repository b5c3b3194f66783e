import type { CatalogItem } from '@sequitur/sdk/protocol'

/** The global catalog table every node holds (Walmart's "global store"). */
export interface Catalog {
  /** Inserts or replaces items; resolves once durable. */
  upsert(site: string, items: readonly CatalogItem[]): Promise<void>
  /** Removes items; resolves with how many existed. */
  remove(site: string, ids: readonly string[]): Promise<number>
  /** Removes every item of a site (the site was removed); resolves with how many there were. */
  removeSite(site: string): Promise<number>
  /** One item, or `undefined`. */
  get(site: string, id: string): CatalogItem | undefined
  /** How many items a site has. */
  size(site: string): number
}

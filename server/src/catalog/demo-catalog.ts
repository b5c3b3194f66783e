import type { CatalogItem } from '@sequitur/sdk/protocol'
import { catalog as products } from '../../../demo/src/catalog'
import type { Catalog } from './catalog'

/** The demo storefront's 200 products as catalog items. */
export function demoCatalogItems(): CatalogItem[] {
  return products.map((p) => ({
    id: p.id,
    category: p.category,
    price: p.price,
    color: p.name.split(' ')[0]!.toLowerCase(),
    attrs: { name: p.name },
  }))
}

/** Loads the demo products into the `demo` site's catalog when it is empty. */
export async function seedDemoCatalog(catalog: Catalog): Promise<number> {
  if (catalog.size('demo') > 0) return 0
  const items = demoCatalogItems()
  await catalog.upsert('demo', items)
  return items.length
}

import { dict, type CatalogItem, type ItemAttributes, type ModelRow } from '@sequitur/sdk/protocol'

/**
 * Adds to a row the catalog attributes (category, price) of its own item and of every item it names,
 * so the device can build the session's profile and score candidates by it.
 */
export function withAttributes(row: ModelRow, item: string, lookup: (item: string) => CatalogItem | undefined): ModelRow {
  // Keyed by item ids: on a plain `{}`, `'constructor' in attrs` holds from the start and `__proto__` sets a prototype.
  const attrs = dict<ItemAttributes>()
  const add = (id: string) => {
    if (id in attrs) return
    const found = lookup(id)
    const a = found && attributesOf(found)
    if (a) attrs[id] = a
  }
  add(item)
  for (const [id] of row.next) add(id)
  for (const [id] of row.related?.items ?? []) add(id)
  return Object.keys(attrs).length > 0 ? { ...row, attrs } : row
}

/** The attributes a row carries for one catalog item, made once per item object. */
const made = new WeakMap<CatalogItem, ItemAttributes | null>()
function attributesOf(found: CatalogItem): ItemAttributes | null {
  let a = made.get(found)
  if (a === undefined) {
    a =
      found.category === undefined && found.price === undefined
        ? null
        : {
            ...(found.category === undefined ? {} : { category: found.category }),
            ...(found.price === undefined ? {} : { price: found.price }),
          }
    made.set(found, a)
  }
  return a
}

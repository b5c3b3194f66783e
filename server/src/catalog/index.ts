/** The catalog: items per site (port and embedded adapter), the demo’s products. */
export type { Catalog } from './catalog'
export { seedDemoCatalog } from './demo-catalog'
export { SqliteCatalog } from './sqlite-catalog'

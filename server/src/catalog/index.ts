/** The catalog: items and their attributes per site (port and embedded adapter), the demo's products, admin secrets. */
export { loadAdminSecret, secretMatches } from './admin-secret'
export type { Catalog } from './catalog'
export { seedDemoCatalog } from './demo-catalog'
export { withAttributes } from './row-attributes'
export { SqliteCatalog } from './sqlite-catalog'

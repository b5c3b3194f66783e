import type { SiteRecord } from './site-record'

/** A change a store reports: the site's record, or `undefined` when it was removed. */
export type SiteChange = (site: string, record: SiteRecord | undefined) => void

/**
 * Where site records live (embedded: a table; Kafka: a compacted topic). The registry keeps them in
 * memory from what the store reports, so a store reports every change, its own writes included.
 */
export interface SiteStore {
  /** Reports every record held now, then every later change; resolves once the present records are in. */
  start(onChange: SiteChange): Promise<void>
  /** Writes a record; resolves once it is durable and has been reported. */
  put(record: SiteRecord): Promise<void>
  /** Removes a record; resolves once durable and reported. */
  remove(site: string): Promise<void>
  /** Stops following changes. */
  stop(): Promise<void>
}

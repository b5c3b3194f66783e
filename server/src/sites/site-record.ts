/** Limits of one site on one edge. */
export interface SiteQuota {
  /** Sustained events per second one edge accepts for the site; null = unlimited. */
  eventsPerSecond: number | null
  /** Bucket size: events the site may send at once above the rate. */
  burst: number
  /** Open stream connections per edge that may subscribe to this site's rows; null = unlimited. */
  connections: number | null
}

/** The model's settings of one site (global in Sequitur before sites had records). */
export interface SiteSettings {
  windowDays: number
  topK: number
  retentionDays: number
}

/** A write key of a site. */
export interface SiteKey {
  key: string
  /** ms; a rotated-out key works until then */
  expiresAt?: number
}

/** One registered site: its credentials, allowed origins, quota and settings. */
export interface SiteRecord {
  /** IdSchema-valid id. */
  site: string
  /** Accepts batches and reads without a key (the `demo` site is open). */
  open: boolean
  /** The current key first (no `expiresAt`), then rotated-out keys in their grace period. */
  keys: SiteKey[]
  /** scrypt: `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`. */
  secretHash: string
  /** Allowed Origins for CORS and for POST; [] = any origin. */
  origins: string[]
  quota: SiteQuota
  settings: SiteSettings
  createdAt: number
  updatedAt: number
}

/** A site record as the operator API shows it: without the secret's hash, without expired keys. */
export type SiteView = Omit<SiteRecord, 'secretHash'>

/** The operator's view of a record at `now`. */
export function siteView({ secretHash: _, ...record }: SiteRecord, now: number): SiteView {
  return { ...record, keys: liveKeys(record.keys, now) }
}

/** The keys that still work at `now`: the current one, and rotated-out ones whose grace has not ended. */
export function liveKeys(keys: readonly SiteKey[], now: number): SiteKey[] {
  return keys.filter((k) => k.expiresAt === undefined || k.expiresAt > now)
}

/** Quota of a site an operator creates without saying. */
export const DEFAULT_QUOTA: SiteQuota = { eventsPerSecond: 1000, burst: 2000, connections: 5000 }

/** Quota of the sites named in `SEQUITUR_SITES`: unlimited, so benches and existing clients keep working. */
export const UNLIMITED_QUOTA: SiteQuota = { eventsPerSecond: null, burst: 2000, connections: null }

/** Whether a request from `origin` may use the site: no Origin (server-to-server), any when the site lists none, else one it lists. */
export function originAllowed(record: SiteRecord, origin: string | undefined): boolean {
  return origin === undefined || record.origins.length === 0 || record.origins.includes(origin)
}

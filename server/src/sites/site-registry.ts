import { createHash } from 'node:crypto'
import { systemClock, type Clock } from '../clock'
import { hashSecret, verifySecretHash } from './secret-hash'
import { keyMatches, newSecret, newWriteKey, rotateKeys } from './site-keys'
import { DEFAULT_QUOTA, liveKeys, type SiteQuota, type SiteRecord, type SiteSettings } from './site-record'
import type { CreateSite, PatchSite } from './site-schemas'
import type { SiteChange, SiteStore } from './site-store'

/** Options of the site registry. */
export interface SiteRegistryOptions {
  /** Where the records live; the registry follows it. */
  store: SiteStore
  /** Settings of a site created without them (the server's configuration). */
  settings: SiteSettings
  clock?: Clock
  /** Deletes a removed site's data (log, catalog, model state); called once the record is gone. */
  onRemoved?: (site: string) => Promise<void>
  /**
   * Awaited after each change this registry makes (create, update, rotation, removal) before it
   * resolves: what must follow the change before the operator is answered (Kafka: the model's settings).
   */
  afterChange?: (site: string, record: SiteRecord | undefined) => Promise<void>
}

/** A site just created: its record, and its key and secret in plain text (shown once). */
export interface CreatedSite {
  record: SiteRecord
  key: string
  secret: string
}

/** Secrets that verified are remembered per site by a digest (never in plain text), at most this many. */
const VERIFIED_PER_SITE = 8

/**
 * The sites this deployment serves: records in memory, read synchronously on every request, fed
 * by a `SiteStore` (so a change made on another node arrives here too), and the operator's
 * operations on them.
 */
export class SiteRegistry {
  readonly #store: SiteStore
  readonly #settings: SiteSettings
  readonly #clock: Clock
  readonly #onRemoved: (site: string) => Promise<void>
  readonly #afterChange: (site: string, record: SiteRecord | undefined) => Promise<void>
  readonly #records = new Map<string, SiteRecord>()
  readonly #listeners = new Set<SiteChange>()
  readonly #verified = new Map<string, Set<string>>()

  constructor({ store, settings, clock = systemClock, onRemoved = async () => {}, afterChange = async () => {} }: SiteRegistryOptions) {
    this.#afterChange = afterChange
    this.#store = store
    this.#settings = settings
    this.#clock = clock
    this.#onRemoved = onRemoved
  }

  /** The deployment's settings: a new site's, and the most a site may set (`windowDays`, `retentionDays`). */
  get defaults(): SiteSettings {
    return this.#settings
  }

  /** Loads the store's records and follows its changes. */
  async start(): Promise<void> {
    await this.#store.start((site, record) => {
      this.#verified.delete(site)
      if (record) this.#records.set(site, record)
      else this.#records.delete(site)
      for (const listener of this.#listeners) listener(site, record)
    })
  }

  /** Stops following the store. */
  async stop(): Promise<void> {
    await this.#store.stop()
  }

  /** The record of a site, or `undefined`. */
  get(site: string): SiteRecord | undefined {
    return this.#records.get(site)
  }

  /** Whether the site is registered. */
  has(site: string): boolean {
    return this.#records.has(site)
  }

  /** Every record, by site name. */
  list(): SiteRecord[] {
    return [...this.#records.values()].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0))
  }

  /** Whether `key` lets a client write and read the site at `now`: any key (or none) for an open site. */
  keyValid(site: string, key: string | undefined, now: number): boolean {
    const record = this.#records.get(site)
    if (!record) return false
    if (record.open) return true
    return key !== undefined && keyMatches(record.keys, key, now)
  }

  /** Whether `presented` is the site's admin secret (scrypt off the main thread, constant-time compare). */
  async verifySecret(site: string, presented: string): Promise<boolean> {
    const record = this.#records.get(site)
    if (!record) return false
    const digest = createHash('sha256').update(record.secretHash).update('\0').update(presented).digest('base64')
    if (this.#verified.get(site)?.has(digest)) return true
    if (!(await verifySecretHash(record.secretHash, presented))) return false
    // Only while the record is the one checked against: a change in between clears the digests.
    if (this.#records.get(site) === record) {
      let set = this.#verified.get(site)
      if (!set) this.#verified.set(site, (set = new Set()))
      if (set.size >= VERIFIED_PER_SITE) set.clear()
      set.add(digest)
    }
    return true
  }

  /** Calls `listener` after every change of a record (`undefined`: removed); returns an unsubscribe function. */
  onChange(listener: SiteChange): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Creates a site with a new key and secret (or the given `secret`); `undefined` when it exists.
   * `quota` is the base the request's quota fields change (default: `DEFAULT_QUOTA`).
   */
  async create(input: CreateSite, { quota = DEFAULT_QUOTA, secret = newSecret() }: { quota?: SiteQuota; secret?: string } = {}): Promise<CreatedSite | undefined> {
    if (this.#records.has(input.site)) return undefined
    const now = this.#clock()
    const key = newWriteKey()
    const record: SiteRecord = {
      site: input.site,
      open: input.open ?? false,
      keys: [{ key }],
      secretHash: await hashSecret(secret),
      origins: input.origins ?? [],
      quota: { ...quota, ...input.quota },
      settings: {
        windowDays: input.windowDays ?? this.#settings.windowDays,
        topK: input.topK ?? this.#settings.topK,
        retentionDays: input.retentionDays ?? this.#settings.retentionDays,
      },
      createdAt: now,
      updatedAt: now,
    }
    await this.#store.put(record)
    await this.#afterChange(record.site, record)
    return { record, key, secret }
  }

  /** Changes a site's origins, quota, settings or openness; `undefined` when there is no such site. */
  async update(site: string, patch: PatchSite): Promise<SiteRecord | undefined> {
    return this.#change(site, (r, now) => ({
      ...r,
      keys: liveKeys(r.keys, now),
      open: patch.open ?? r.open,
      origins: patch.origins ?? r.origins,
      quota: { ...r.quota, ...patch.quota },
      settings: {
        windowDays: patch.windowDays ?? r.settings.windowDays,
        topK: patch.topK ?? r.settings.topK,
        retentionDays: patch.retentionDays ?? r.settings.retentionDays,
      },
    }))
  }

  /** Gives the site a new write key; the previous one keeps working for `graceMs`. */
  async rotateKey(site: string, graceMs: number): Promise<{ record: SiteRecord; key: string } | undefined> {
    const key = newWriteKey()
    const record = await this.#change(site, (r, now) => ({ ...r, keys: rotateKeys(r.keys, key, now, graceMs) }))
    return record && { record, key }
  }

  /** Gives the site a new admin secret (or `secret`); the previous one stops working at once. */
  async rotateSecret(site: string, secret = newSecret()): Promise<{ record: SiteRecord; secret: string } | undefined> {
    if (!this.#records.has(site)) return undefined
    const secretHash = await hashSecret(secret)
    const record = await this.#change(site, (r) => ({ ...r, secretHash }))
    return record && { record, secret }
  }

  /** Removes the site's record, then its data (`onRemoved`); false when there was no such site. */
  async remove(site: string): Promise<boolean> {
    if (!this.#records.has(site)) return false
    await this.#store.remove(site)
    await this.#onRemoved(site)
    await this.#afterChange(site, undefined)
    return true
  }

  async #change(site: string, change: (record: SiteRecord, now: number) => SiteRecord): Promise<SiteRecord | undefined> {
    const current = this.#records.get(site)
    if (!current) return undefined
    const now = this.#clock()
    const record = { ...change(current, now), updatedAt: now }
    await this.#store.put(record)
    await this.#afterChange(site, record)
    return record
  }
}

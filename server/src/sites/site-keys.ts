import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { SiteKey } from './site-record'

/** A new public write key: 24 random bytes, base64url. */
export const newWriteKey = (): string => randomBytes(24).toString('base64url')

/** A new admin secret: 32 random bytes, base64url. */
export const newSecret = (): string => randomBytes(32).toString('base64url')

/**
 * The keys after a rotation at `now`: `fresh` first, the previous current key kept until
 * `now + graceMs` (dropped at once when the grace is 0), keys already expired pruned.
 */
export function rotateKeys(keys: readonly SiteKey[], fresh: string, now: number, graceMs: number): SiteKey[] {
  const kept = keys
    .map((k) => (k.expiresAt === undefined ? { key: k.key, expiresAt: now + graceMs } : k))
    .filter((k) => k.expiresAt! > now)
  return [{ key: fresh }, ...kept]
}

/** Whether `presented` is one of `keys` still valid at `now` (each compared in constant time). */
export function keyMatches(keys: readonly SiteKey[], presented: string, now: number): boolean {
  const p = Buffer.from(presented)
  let found = false
  for (const k of keys) {
    const b = Buffer.from(k.key)
    if (b.length === p.length && timingSafeEqual(b, p) && (k.expiresAt === undefined || k.expiresAt > now)) found = true
  }
  return found
}

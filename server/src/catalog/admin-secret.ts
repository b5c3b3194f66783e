import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The admin secret of the `demo` site: `SEQUITUR_ADMIN_SECRET` when set; otherwise generated on first
 * start, kept in `<dataDir>/admin-secret` (mode 600) and reported once through `announce`.
 */
export function loadAdminSecret(fromEnv: string | undefined, dataDir: string, announce: (line: string) => void): string {
  if (fromEnv) return fromEnv
  const file = join(dataDir, 'admin-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(24).toString('base64url')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' })
  announce(`sequitur: generated the admin secret of site "demo" (kept in ${file}): ${secret}`)
  return secret
}

/** Compares a presented secret with the real one in constant time. */
export function secretMatches(presented: string, secret: string): boolean {
  const a = Buffer.from(presented)
  const b = Buffer.from(secret)
  return a.length === b.length && timingSafeEqual(a, b)
}

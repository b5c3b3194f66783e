import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The token of the operator API: `SEQUITUR_OPERATOR_TOKEN` when set; otherwise generated on first
 * start into `<dataDir>/operator-token` (mode 600), announced once, and read from there afterwards.
 */
export function loadOperatorToken(fromEnv: string | undefined, dataDir: string, announce: (line: string) => void): string {
  if (fromEnv) return fromEnv
  const file = join(dataDir, 'operator-token')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const token = randomBytes(32).toString('base64url')
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' })
  announce(`sequitur: generated the operator token (kept in ${file}): ${token}`)
  return token
}

import * as v from 'valibot'
import { resolve } from 'node:path'

const int = (min: number, max: number, fallback: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.transform(Number),
    v.integer(`must be an integer between ${min} and ${max}`),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  )

const EnvSchema = v.object({
  PORT: int(0, 65535, 8787),
  HOST: v.optional(v.string()),
  SEQUITUR_DATA_DIR: v.optional(v.string(), './.sequitur'),
  SEQUITUR_WINDOW_DAYS: int(1, 3650, 60),
  SEQUITUR_TOP_K: int(1, 1000, 20),
  SEQUITUR_SITES: v.pipe(
    v.optional(v.string(), 'demo'),
    v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
    v.minLength(1, 'must name at least one site'),
  ),
  SEQUITUR_LOG_RETENTION_DAYS: int(1, 3650, 7),
})

/** The server's configuration, read from the environment. */
export interface Config {
  /** TCP port of the HTTP server (`PORT`, default 8787; 0 picks a free one). */
  port: number
  /** Interface to listen on (`HOST`); all interfaces when unset. */
  host: string | undefined
  /** Where the embedded log and state live (`SEQUITUR_DATA_DIR`, default `./.sequitur`). */
  dataDir: string
  /** Days of transitions a row reflects (`SEQUITUR_WINDOW_DAYS`, default 60). */
  windowDays: number
  /** Next items kept per row (`SEQUITUR_TOP_K`, default 20). */
  topK: number
  /** Sites that may send events (`SEQUITUR_SITES`, comma-separated, default `demo`). */
  sites: string[]
  /** Days the embedded log keeps processed events (`SEQUITUR_LOG_RETENTION_DAYS`, default 7). */
  logRetentionDays: number
}

/** Thrown when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and validates the configuration; throws a `ConfigError` naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = v.safeParse(EnvSchema, env)
  if (!parsed.success) {
    const lines = parsed.issues.map((i) => {
      const name = v.getDotPath(i) ?? '?'
      return `  ${name}=${JSON.stringify(env[name])}: ${i.message}`
    })
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.output
  return {
    port: e.PORT,
    host: e.HOST || undefined,
    dataDir: resolve(e.SEQUITUR_DATA_DIR),
    windowDays: e.SEQUITUR_WINDOW_DAYS,
    topK: e.SEQUITUR_TOP_K,
    sites: e.SEQUITUR_SITES,
    logRetentionDays: e.SEQUITUR_LOG_RETENTION_DAYS,
  }
}

import * as v from 'valibot'
import { resolve } from 'node:path'
import { modelOptions, type ModelOptions } from './model'
import type { SiteSettings } from './sites'
import { DEFAULT_EDGE_ROW_CACHE } from './state'

const int = (min: number, max: number, fallback: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.transform(Number),
    v.integer(`must be an integer between ${min} and ${max}`),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  )

/**
 * Partitions of the Kafka topics Sequitur creates: the most processors that can share the work. Each
 * partition has its own transactions, so one processor carries ~20 % fewer events with 4 than with 2
 * (docs/performance.md); the count is fixed once the topics exist, since keys decide which
 * partition, and so which processor, holds a session's and a row's state.
 */
export const DEFAULT_KAFKA_PARTITIONS = 2

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
  SEQUITUR_KAFKA_BROKERS: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
      v.array(v.pipe(v.string(), v.regex(/^[^:\s]+:\d{1,5}$/, 'must list host:port pairs separated by commas'))),
    ),
  ),
  SEQUITUR_KAFKA_PARTITIONS: int(1, 1024, DEFAULT_KAFKA_PARTITIONS),
  SEQUITUR_KAFKA_ROWS_PARTITIONS: v.optional(
    v.pipe(
      v.string(),
      v.transform(Number),
      v.integer('must be an integer between 1 and 1024'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(1024, 'must be at most 1024'),
    ),
  ),
  SEQUITUR_KAFKA_PREFIX: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,100}$/, 'may hold only letters, digits, ".", "_" and "-"')),
    'sequitur',
  ),
  SEQUITUR_KAFKA_SNAPSHOT_MB: int(1, 1_000_000, 64),
  SEQUITUR_KAFKA_SNAPSHOT_MINUTES: int(0, 7 * 24 * 60, 10),
  SEQUITUR_EDGE_ROW_CACHE: v.pipe(
    v.optional(v.string(), String(DEFAULT_EDGE_ROW_CACHE)),
    v.regex(/^(all|\d{1,8})$/, 'must be a number of rows (at most 99,999,999) or "all"'),
    v.transform((s) => (s === 'all' ? ('all' as const) : Number(s))),
  ),
  SEQUITUR_TRENDING_EPOCH_MINUTES: int(1, 24 * 60, 30),
  SEQUITUR_TRENDING_LATENESS_MINUTES: int(0, 24 * 60, 5),
  SEQUITUR_ADMIN_SECRET: v.optional(v.pipe(v.string(), v.minLength(16, 'must be at least 16 characters'))),
  SEQUITUR_OPERATOR_TOKEN: v.optional(v.pipe(v.string(), v.minLength(16, 'must be at least 16 characters'))),
  SEQUITUR_DEBUG_STAGES: v.optional(v.string()),
  SEQUITUR_ROLE: v.optional(v.picklist(['all', 'edge', 'processor'], 'must be one of all, edge, processor'), 'all'),
})

/** The server's configuration, read from the environment. */
export interface Config {
  /** TCP port of the HTTP server (`PORT`, default 8787; 0 picks a free one). */
  port: number
  /** Interface to listen on (`HOST`); all interfaces when unset. */
  host: string | undefined
  /** Where the embedded log and state live (`SEQUITUR_DATA_DIR`, default `./.sequitur`). */
  dataDir: string
  /**
   * The model's options: `SEQUITUR_WINDOW_DAYS` (60), `SEQUITUR_TOP_K` (20), the trending epoch and
   * lateness (`SEQUITUR_TRENDING_EPOCH_MINUTES` 30, `SEQUITUR_TRENDING_LATENESS_MINUTES` 5), and the
   * days an event id is remembered, the log's retention (`SEQUITUR_LOG_RETENTION_DAYS`, 7).
   */
  model: ModelOptions
  /** Sites created on start when missing, open and unlimited (`SEQUITUR_SITES`, comma-separated, default `demo`). */
  sites: string[]
  /** Settings of a site created without them: the model's window and top k, the log's retention. */
  siteSettings: SiteSettings
  /** Days the log keeps events, and remembers their ids (`SEQUITUR_LOG_RETENTION_DAYS`, default 7). */
  logRetentionDays: number
  /** Kafka bootstrap brokers (`SEQUITUR_KAFKA_BROKERS`); embedded mode when absent. */
  kafkaBrokers: string[] | undefined
  /** Partitions of the events, increments and changelog topics when created (`SEQUITUR_KAFKA_PARTITIONS`, default 2). */
  kafkaPartitions: number
  /**
   * Partitions of the rows topic when created (`SEQUITUR_KAFKA_ROWS_PARTITIONS`, default
   * `kafkaPartitions`); an existing rows topic keeps its count.
   */
  kafkaRowsPartitions: number
  /** Prefix of topic names, consumer groups and transactional ids (`SEQUITUR_KAFKA_PREFIX`, default `sequitur`). */
  kafkaPrefix: string
  /**
   * When stage 2 snapshots a partition's state: after `SEQUITUR_KAFKA_SNAPSHOT_MB` (64) of changelog,
   * or the state's size if larger, or `SEQUITUR_KAFKA_SNAPSHOT_MINUTES` (10) after the last one (0:
   * at every transaction that changes anything, for tests).
   */
  kafkaSnapshots: { minBytes: number; everyMs: number }
  /**
   * Rows an edge keeps in memory besides those its subscribers hold (`SEQUITUR_EDGE_ROW_CACHE`, default
   * 10,000); the rest it reads from its copy of the rows topic on disk. `all`: every row in memory, no copy.
   */
  edgeRowCache: number | 'all'
  /** Kafka stages trace each batch's transaction in their log (`SEQUITUR_DEBUG_STAGES` set). */
  debugStages: boolean
  /** What this process runs in Kafka mode (`SEQUITUR_ROLE`: `edge`, `processor` or `all`, the default). */
  role: 'all' | 'edge' | 'processor'
  /** The `demo` site's admin secret (`SEQUITUR_ADMIN_SECRET`); generated and kept in the data dir when unset. */
  adminSecret: string | undefined
  /** The operator API's token (`SEQUITUR_OPERATOR_TOKEN`); generated and kept in the data dir when unset. */
  operatorToken: string | undefined
}

/** Thrown when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Reads and validates the configuration; throws a `ConfigError` naming each bad variable, and the
 * command-line flag that set it when `flags` (variable → flag, e.g. `PORT` → `--port`) names one.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, flags: Readonly<Record<string, string>> = {}): Config {
  const parsed = v.safeParse(EnvSchema, env)
  if (!parsed.success) {
    // One line per variable: its first issue (a non-number fails every check of its pipeline).
    const first = parsed.issues.filter((i, n, all) => all.findIndex((j) => v.getDotPath(j) === v.getDotPath(i)) === n)
    const lines = first.map((i) => {
      const name = v.getDotPath(i) ?? '?'
      const flag = Object.hasOwn(flags, name) ? ` (${flags[name]})` : ''
      return `  ${name}=${JSON.stringify(env[name])}${flag}: ${i.message}`
    })
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.output
  if (e.SEQUITUR_ROLE !== 'all' && !e.SEQUITUR_KAFKA_BROKERS?.length) {
    const flag = Object.hasOwn(flags, 'SEQUITUR_ROLE') ? ` (${flags.SEQUITUR_ROLE})` : ''
    throw new ConfigError(`invalid configuration:\n  SEQUITUR_ROLE=${JSON.stringify(e.SEQUITUR_ROLE)}${flag}: needs SEQUITUR_KAFKA_BROKERS (embedded mode runs everything in one process)`)
  }
  return {
    port: e.PORT,
    host: e.HOST || undefined,
    dataDir: resolve(e.SEQUITUR_DATA_DIR),
    model: modelOptions({
      windowDays: e.SEQUITUR_WINDOW_DAYS,
      topK: e.SEQUITUR_TOP_K,
      epochMs: e.SEQUITUR_TRENDING_EPOCH_MINUTES * 60_000,
      latenessMs: e.SEQUITUR_TRENDING_LATENESS_MINUTES * 60_000,
      dedupeDays: e.SEQUITUR_LOG_RETENTION_DAYS,
    }),
    sites: e.SEQUITUR_SITES,
    siteSettings: { windowDays: e.SEQUITUR_WINDOW_DAYS, topK: e.SEQUITUR_TOP_K, retentionDays: e.SEQUITUR_LOG_RETENTION_DAYS },
    logRetentionDays: e.SEQUITUR_LOG_RETENTION_DAYS,
    kafkaBrokers: e.SEQUITUR_KAFKA_BROKERS?.length ? e.SEQUITUR_KAFKA_BROKERS : undefined,
    kafkaPartitions: e.SEQUITUR_KAFKA_PARTITIONS,
    kafkaRowsPartitions: e.SEQUITUR_KAFKA_ROWS_PARTITIONS ?? e.SEQUITUR_KAFKA_PARTITIONS,
    kafkaPrefix: e.SEQUITUR_KAFKA_PREFIX,
    kafkaSnapshots: { minBytes: e.SEQUITUR_KAFKA_SNAPSHOT_MB * 1024 * 1024, everyMs: e.SEQUITUR_KAFKA_SNAPSHOT_MINUTES * 60_000 },
    edgeRowCache: e.SEQUITUR_EDGE_ROW_CACHE,
    role: e.SEQUITUR_ROLE,
    debugStages: Boolean(e.SEQUITUR_DEBUG_STAGES),
    adminSecret: e.SEQUITUR_ADMIN_SECRET,
    operatorToken: e.SEQUITUR_OPERATOR_TOKEN,
  }
}

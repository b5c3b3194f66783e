import { parseArgs } from 'node:util'
import { UsageError } from './usage-error'

/** A flag of `sequitur start` and the environment variable it sets (the flag wins over the variable). */
interface StartFlag {
  flag: string
  variable: string
  /** What it takes, for the help ('' for a switch). */
  value: string
  help: string
}

/** The flags of `sequitur start`, one per variable of the README's table (secrets stay environment-only). */
export const START_FLAGS: readonly StartFlag[] = [
  { flag: 'port', variable: 'PORT', value: 'N', help: 'HTTP port (default 8787; 0 picks a free one)' },
  { flag: 'host', variable: 'HOST', value: 'HOST', help: 'interface to listen on (default: all)' },
  { flag: 'data-dir', variable: 'SEQUITUR_DATA_DIR', value: 'DIR', help: 'where the log and the model state live (default ./.sequitur)' },
  { flag: 'sites', variable: 'SEQUITUR_SITES', value: 'A,B', help: 'sites created on start when missing, open and unlimited (default demo)' },
  { flag: 'window-days', variable: 'SEQUITUR_WINDOW_DAYS', value: 'N', help: 'days of event time a row reflects (default 60)' },
  { flag: 'top-k', variable: 'SEQUITUR_TOP_K', value: 'N', help: 'next items kept per row (default 20)' },
  { flag: 'log-retention-days', variable: 'SEQUITUR_LOG_RETENTION_DAYS', value: 'N', help: 'days the log keeps events and a repeated id counts once (default 7)' },
  { flag: 'trending-epoch-minutes', variable: 'SEQUITUR_TRENDING_EPOCH_MINUTES', value: 'N', help: 'length of a trending epoch (default 30)' },
  { flag: 'trending-lateness-minutes', variable: 'SEQUITUR_TRENDING_LATENESS_MINUTES', value: 'N', help: 'how late a trending event may be (default 5)' },
  { flag: 'kafka-brokers', variable: 'SEQUITUR_KAFKA_BROKERS', value: 'H:P,...', help: 'Kafka mode: the bootstrap brokers (default: embedded mode)' },
  { flag: 'role', variable: 'SEQUITUR_ROLE', value: 'ROLE', help: 'Kafka mode: edge, processor or all (default all)' },
  { flag: 'kafka-partitions', variable: 'SEQUITUR_KAFKA_PARTITIONS', value: 'N', help: 'Kafka mode: partitions of topics it creates (default 2)' },
  { flag: 'kafka-rows-partitions', variable: 'SEQUITUR_KAFKA_ROWS_PARTITIONS', value: 'N', help: 'Kafka mode: partitions of the rows topic if it creates it (default: --kafka-partitions)' },
  { flag: 'kafka-prefix', variable: 'SEQUITUR_KAFKA_PREFIX', value: 'P', help: 'Kafka mode: prefix of topics, groups, transactional ids (default sequitur)' },
  { flag: 'edge-row-cache', variable: 'SEQUITUR_EDGE_ROW_CACHE', value: 'N', help: 'Kafka mode: rows an edge caches besides the subscribed ones (default 10000; all: every row, no disk copy)' },
  { flag: 'debug-stages', variable: 'SEQUITUR_DEBUG_STAGES', value: '', help: 'Kafka mode: each stage logs every batch through its transaction' },
]

/** The help of `sequitur start`. */
export const START_USAGE = `usage: sequitur start [options]

Runs the Sequitur server: the demo storefront at /, the SDK at /sdk.js, the HTTP API and the stream.
Embedded mode (one process, SQLite in --data-dir) unless --kafka-brokers is given. Each option sets
the environment variable beside it, which works as well; SEQUITUR_ADMIN_SECRET and
SEQUITUR_OPERATOR_TOKEN are read from the environment only (a command line is visible to every user).

${START_FLAGS.map(({ flag, value, variable, help }) => `  --${`${flag} ${value}`.trimEnd().padEnd(30)} ${help} [$${variable}]`).join('\n')}
  --help                           this help

SIGINT or SIGTERM stop it cleanly. Exit codes: 0 stopped cleanly, 1 it failed, 2 wrong usage or configuration.`

/** The environment `sequitur start <argv>` runs with, and which flag set which variable; throws a `UsageError`. */
export function startEnv(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): { env: Record<string, string | undefined>; flags: Record<string, string>; help: boolean } {
  const options = Object.fromEntries([
    ...START_FLAGS.map(({ flag, value }) => [flag, { type: value ? ('string' as const) : ('boolean' as const) }]),
    ['help', { type: 'boolean' as const, short: 'h' }],
  ])
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const out: Record<string, string | undefined> = { ...env }
  const flags: Record<string, string> = {}
  for (const { flag, variable } of START_FLAGS) {
    const value = values[flag]
    if (value === undefined) continue
    out[variable] = value === true ? '1' : String(value)
    flags[variable] = `--${flag}`
  }
  return { env: out, flags, help: values.help === true }
}

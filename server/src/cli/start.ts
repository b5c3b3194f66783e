import { ConfigError, loadConfig } from '../config'
import { startServer } from '../server'
import { START_USAGE, startEnv } from './start-flags'
import { UsageError } from './usage-error'

/**
 * Runs `sequitur start <argv>`: resolves with 0 once the server listens (it then runs until SIGINT
 * or SIGTERM, which stop it and exit 0, or 1 when stopping fails). A bad flag or configuration
 * throws a `UsageError`.
 */
export async function runStart(argv: readonly string[], processEnv: Record<string, string | undefined> = process.env): Promise<number> {
  const { env, flags, help } = startEnv(argv, processEnv)
  if (help) {
    console.log(START_USAGE)
    return 0
  }
  let config
  try {
    config = loadConfig(env, flags)
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
  const server = await startServer(config)
  if (config.kafkaBrokers) {
    console.log(`sequitur: kafka mode (${config.kafkaBrokers.join(',')}), role ${config.role}, topics ${config.kafkaPrefix}.*`)
  } else {
    console.log(`sequitur: embedded mode, data in ${config.dataDir}`)
  }
  const what = config.role === 'processor' ? 'health and metrics' : 'demo at /, SDK at /sdk.js'
  console.log(`sequitur: listening on http://localhost:${server.port} (${what})`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`sequitur: ${signal}, stopping`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  return 0
}

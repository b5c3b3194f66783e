import { ConfigError, loadConfig } from './config'
import { startServer } from './server'

try {
  const config = loadConfig()
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
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`sequitur: ${error.message}`)
    process.exit(2)
  }
  throw error
}

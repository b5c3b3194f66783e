import { loadConfig } from '../config'
import { startServer } from '../server'

// The server under fuzz, in its own process so that a crash is seen as one. Embedded mode, the data
// dir and sites from the environment; prints `{"port":N}` once listening, logs to stderr.
const server = await startServer(loadConfig({ ...process.env, PORT: '0' }), {
  log: (line) => process.stderr.write(`${line}\n`),
})
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`)
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0))
})

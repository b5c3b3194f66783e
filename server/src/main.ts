// The server from its TypeScript sources (`node --import tsx server/src/main.ts`, as the e2e tests and
// the Kafka test cluster start it): `sequitur start` with the same flags and environment.
import { runCli } from './cli'

const { code, serves } = await runCli(['start', ...process.argv.slice(2)], {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  version: '',
})
if (!serves) process.exit(code)

// The `sequitur` program (server/bin/sequitur.js runs its compiled bundle, server/dist/sequitur.js).
import serverPackage from '../../package.json' with { type: 'json' }
import { runCli } from './run-cli'

const { code, serves } = await runCli(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  version: serverPackage.version,
})
// A server or a broker keeps running (its signal handlers exit); anything else is done now, even if
// a socket or a timer it left would keep node alive.
if (serves) process.exitCode = code
else process.exit(code)

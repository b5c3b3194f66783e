import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../src/cli/usage-error'
import { ensureJars, startLocalBroker, type LocalBroker } from './local-broker'

/** The help of `sequitur kafka`. */
export const KAFKA_USAGE = `usage: sequitur kafka [--data-dir DIR] [--port PORT]
       sequitur kafka --prepare

Development only: runs a single-node Kafka broker (KRaft, 127.0.0.1) until Ctrl-C, keeping its data
in DIR (default .sequitur/kafka) across runs, and prints the SEQUITUR_KAFKA_BROKERS to export.

  --data-dir DIR   the broker's data (default .sequitur/kafka)
  --port PORT      its port (default: a free one)
  --prepare        only copy the broker's jars into kafka/lib with Maven, as CI does before the tests
  --help           this help

Needs Java 17 and Maven. Exit codes: 0 stopped cleanly, 1 the broker failed, 2 wrong usage.`

const log = (line: string) => console.error(line)

/** Reads the command line; throws a `UsageError` on a mistake. */
function readArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string', default: '.sequitur/kafka' },
      port: { type: 'string' },
      prepare: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const port = values.port === undefined ? undefined : Number(values.port)
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new UsageError(`--port must be a port number, not ${JSON.stringify(values.port)}`)
  }
  return { ...values, dataDir: resolve(values['data-dir']), port }
}

/** Stops the broker on the first signal and kills it on the second. */
function stopOnSignals(broker: LocalBroker) {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`kafka: ${signal} again, killing the broker`)
      void broker.kill().then(() => process.exit(130))
      return
    }
    stopping = true
    log('kafka: stopping')
    broker.stop().then(
      () => {
        log('kafka: stopped')
        process.exit(0)
      },
      (error: Error) => {
        log(`kafka: ${error.message}`)
        process.exit(1)
      },
    )
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop)
}

/**
 * Runs `sequitur kafka <argv>`: resolves with 0 once the broker is ready (it runs until a signal
 * stops it) or the jars are prepared; a failure rejects.
 */
export async function runKafkaCli(argv: readonly string[]): Promise<number> {
  const args = readArgs(argv)
  if (args.help) {
    console.log(KAFKA_USAGE)
    return 0
  }
  if (args.prepare) {
    await ensureJars(log)
    console.log('kafka: jars ready in kafka/lib')
    return 0
  }
  const broker = await startLocalBroker({
    dataDir: args.dataDir,
    ...(args.port ? { port: args.port } : {}),
    log,
    onExit: (reason) => {
      log(`kafka: ${reason}`)
      process.exit(1)
    },
  })
  stopOnSignals(broker)
  console.log(`kafka: ready on ${broker.brokers}`)
  console.log(`export SEQUITUR_KAFKA_BROKERS=${broker.brokers}`)
  return 0
}

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureJars, startLocalBroker, type LocalBroker } from './local-broker'

const USAGE = `usage: npm run kafka -- [--data-dir DIR] [--port PORT]
       npm run kafka -- --prepare

Runs a single-node Kafka broker (KRaft, 127.0.0.1) until Ctrl-C, keeping its data in DIR
(default .sequitur/kafka) across runs. PORT defaults to a free port. --prepare only copies the
broker's jars into kafka/lib with Maven, as CI does before the tests.`

const log = (line: string) => console.error(line)

/** Reads the command line; exits with the usage on a mistake. */
function readArgs() {
  try {
    const { values } = parseArgs({
      options: {
        'data-dir': { type: 'string', default: '.sequitur/kafka' },
        port: { type: 'string' },
        prepare: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    })
    const port = values.port === undefined ? undefined : Number(values.port)
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new Error(`--port must be a port number, not ${JSON.stringify(values.port)}`)
    }
    return { ...values, dataDir: resolve(values['data-dir']), port }
  } catch (error) {
    console.error(`kafka: ${(error as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
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

const args = readArgs()
try {
  if (args.help) {
    console.log(USAGE)
  } else if (args.prepare) {
    await ensureJars(log)
    console.log('kafka: jars ready in kafka/lib')
  } else {
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
  }
} catch (error) {
  log(`kafka: ${(error as Error).message}`)
  process.exit(1)
}

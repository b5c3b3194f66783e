import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../src/cli/usage-error'
import { ensureJars, startLocalBroker } from './local-broker'
import { startLocalCluster } from './local-cluster'

/** The help of `sequitur kafka`. */
export const KAFKA_USAGE = `usage: sequitur kafka [--data-dir DIR] [--port PORT] [--brokers N]
       sequitur kafka --prepare

Development only: runs a Kafka broker (KRaft, 127.0.0.1), or a cluster of N, until Ctrl-C, keeping its data
in DIR (default .sequitur/kafka) across runs, and prints the SEQUITUR_KAFKA_BROKERS to export.

  --data-dir DIR   the broker's data (default .sequitur/kafka; a cluster's nodes in DIR/node-1, …)
  --port PORT      its port (default: a free one; not with --brokers)
  --brokers N      N nodes as one cluster, each a broker and a controller (default 1); from 3 on,
                   topics get 3 replicas and min.insync.replicas 2
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
      brokers: { type: 'string', default: '1' },
      prepare: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const port = values.port === undefined ? undefined : Number(values.port)
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new UsageError(`--port must be a port number, not ${JSON.stringify(values.port)}`)
  }
  const brokers = Number(values.brokers)
  if (!(Number.isInteger(brokers) && brokers >= 1 && brokers <= 9)) throw new UsageError(`--brokers must be a number of nodes from 1 to 9, not ${JSON.stringify(values.brokers)}`)
  if (brokers > 1 && port !== undefined) throw new UsageError('--port is for a single broker; a cluster takes free ports')
  return { ...values, dataDir: resolve(values['data-dir']), port, brokers }
}

/** Stops the broker (or cluster) on the first signal and kills it on the second. */
function stopOnSignals(broker: { stop(): Promise<void>; kill(): Promise<unknown> }) {
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
  const onExit = (reason: string) => {
    log(`kafka: ${reason}`)
    process.exit(1)
  }
  if (args.brokers > 1) {
    const cluster = await startLocalCluster({ nodes: args.brokers, dataDir: args.dataDir, log, onExit })
    stopOnSignals({ stop: cluster.stop, kill: () => Promise.all(cluster.nodes.map((node) => node.kill())) })
    console.log(`kafka: ${args.brokers} nodes ready on ${cluster.brokers}`)
    console.log(`export SEQUITUR_KAFKA_BROKERS=${cluster.brokers}`)
    return 0
  }
  const broker = await startLocalBroker({ dataDir: args.dataDir, ...(args.port ? { port: args.port } : {}), log, onExit })
  stopOnSignals(broker)
  console.log(`kafka: ready on ${broker.brokers}`)
  console.log(`export SEQUITUR_KAFKA_BROKERS=${broker.brokers}`)
  return 0
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { BROKER_SESSION_MS, clusterId, freePorts, startLocalBroker, type LocalBroker, type LocalBrokerOptions } from './local-broker'

/** Options of `startLocalCluster`. */
export interface LocalClusterOptions extends Pick<LocalBrokerOptions, 'partitions' | 'log' | 'readyTimeoutMs' | 'heapOpts' | 'onExit'> {
  /** Nodes, each a broker and a controller of one KRaft quorum (default 3). */
  nodes?: number
  /** Folder holding one folder per node (`node-1`, …); kept when given, else a temp folder removed by `stop()`. */
  dataDir?: string
}

/** A KRaft cluster of local nodes on 127.0.0.1, each its own `java` process with its own data folder. */
export interface LocalCluster {
  /** Bootstrap addresses of every node, comma-separated. */
  readonly brokers: string
  /** The nodes; `nodes[i]` has node id `i + 1`. */
  readonly nodes: readonly LocalBroker[]
  /** The node id leading a partition now. */
  leaderOf(topic: string, partition: number): Promise<number>
  /** Stops every node and removes a temp data folder; final. */
  stop(): Promise<void>
}

/**
 * Starts `nodes` local Kafka nodes as one cluster: a shared cluster id and controller quorum, and
 * internal topics (and the default of new topics) with 3 replicas and `min.insync.replicas` 2 when
 * there are 3 nodes or more. The nodes start together: none is ready before a majority runs.
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const { nodes: count = 3, log = () => {}, readyTimeoutMs = 120_000 } = options
  const ownsDir = !options.dataDir
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sequitur-kafka-cluster-'))
  const ports = await freePorts(Array.from({ length: 2 * count }, () => undefined))
  const voters = Array.from({ length: count }, (_, i) => `${i + 1}@127.0.0.1:${ports[2 * i + 1]}`).join(',')
  const id = clusterId()
  const replicas = count >= 3 ? 3 : 1
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      startLocalBroker({
        ...options,
        readyTimeoutMs,
        log: (line) => log(`node ${i + 1}: ${line}`),
        dataDir: join(dataDir, `node-${i + 1}`),
        port: ports[2 * i],
        controllerPort: ports[2 * i + 1],
        cluster: { nodeId: i + 1, voters, clusterId: id, replicas },
      }),
    ),
  )
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()))
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true })
  }
  const failed = started.find((r) => r.status === 'rejected')
  if (failed) {
    await stop()
    throw (failed as PromiseRejectedResult).reason
  }
  const brokers = nodes.map((node) => node.brokers).join(',')
  const kafka = new Kafka({ clientId: 'local-cluster', brokers: brokers.split(','), logLevel: logLevel.NOTHING })
  // A node takes connections before its metadata names every broker, and on a busy machine a broker
  // can be fenced for a moment after it first appears (a late heartbeat): a client that creates
  // topics then (Sequitur sizes their replicas by the brokers it sees) sees fewer. Ready is every
  // node naming every broker, without a gap, for one broker session.
  try {
    await allRegisteredSteadily(nodes.map((node) => node.brokers), Date.now() + readyTimeoutMs)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    brokers,
    nodes,
    async leaderOf(topic, partition) {
      const admin = kafka.admin()
      try {
        await admin.connect()
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
        const leader = topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader
        if (leader === undefined || leader < 0) throw new Error(`no leader for ${topic}-${partition}`)
        return leader
      } finally {
        await admin.disconnect().catch(() => {})
      }
    },
    stop,
  }
}

/** Waits until the metadata of each of `brokers` names all of them, in every poll for one broker session. */
async function allRegisteredSteadily(brokers: string[], deadline: number): Promise<void> {
  const admins = brokers.map((broker) => new Kafka({ clientId: 'local-cluster', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin())
  const seen = brokers.map(() => 0)
  try {
    await Promise.all(admins.map((admin) => admin.connect()))
    for (let since: number | undefined; ; await new Promise((resolve) => setTimeout(resolve, 200))) {
      await Promise.all(admins.map(async (admin, i) => (seen[i] = (await admin.describeCluster().catch(() => ({ brokers: [] }))).brokers.length)))
      const complete = seen.every((n) => n >= brokers.length)
      since = complete ? (since ?? Date.now()) : undefined
      if (since !== undefined && Date.now() - since >= BROKER_SESSION_MS) return
      if (Date.now() > deadline) throw new Error(`local cluster: the nodes' metadata named ${seen.join(', ')} of ${brokers.length} brokers at the deadline`)
    }
  } finally {
    await Promise.all(admins.map((admin) => admin.disconnect().catch(() => {})))
  }
}

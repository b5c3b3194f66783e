import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../src/program'

// `npm run kafka -- --brokers 3` as a developer runs it: the compiled CLI, three KRaft nodes in one
// data folder, stopped with Ctrl-C and started again on the same folder. Runs in `npm run test:cluster`.
const bin = join(repoRoot, 'server/bin/sequitur.js')
const dataDir = mkdtempSync(join(tmpdir(), 'sequitur-kafka-cli-'))
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

/** Starts `sequitur kafka <args>`; resolves with the brokers it prints to export, and the process. */
function startCli(...args: string[]): Promise<{ brokers: string; child: ChildProcess; exited: Promise<number | null> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' }
  const child = spawn(process.execPath, [bin, 'kafka', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let out = ''
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const m = /^export SEQUITUR_KAFKA_BROKERS=(\S+)$/m.exec(out)
      if (m) resolve({ brokers: m[1]!, child, exited })
    })
    void exited.then((code) => reject(new Error(`sequitur kafka exited ${code} before it was ready: ${err.slice(-2000)}`)))
  })
}

/** `attempt` once it stops failing (a new topic reaches each node a moment after it is created), within 60 s. */
async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  for (const deadline = Date.now() + 60_000; ; await new Promise((resolve) => setTimeout(resolve, 200))) {
    try {
      return await attempt()
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
  }
}

const client = (brokers: string) => new Kafka({ clientId: 'kafka-cli-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } })

describe('sequitur kafka --brokers 3', () => {
  it('starts three nodes of one cluster, stops on Ctrl-C with 0, and starts again on the same data with the topics kept', async () => {
    const first = await startCli('--brokers', '3', '--data-dir', dataDir)
    expect(first.brokers.split(',')).toHaveLength(3)
    const admin = client(first.brokers).admin()
    await admin.connect()
    const cluster = await admin.describeCluster()
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
    // A topic created without a replication factor takes the cluster's default: 3 replicas, 2 in sync.
    // (Not kafkajs's wait for leaders: it fails on a node that has not yet heard of the topic.)
    expect(await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 1 }], waitForLeaders: false })).toBe(true)
    const [meta] = (await eventually(() => admin.fetchTopicMetadata({ topics: ['kept'] }))).topics
    expect(meta!.partitions[0]!.replicas).toHaveLength(3)
    const config = await eventually(() => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'kept', configNames: ['min.insync.replicas'] }] }))
    expect(config.resources[0]!.configEntries[0]!.configValue).toBe('2')
    const producer = client(first.brokers).producer()
    await producer.connect()
    await producer.send({ topic: 'kept', acks: -1, messages: [{ value: 'before the restart' }] })
    await producer.disconnect()
    await admin.disconnect()
    first.child.kill('SIGINT')
    expect(await first.exited).toBe(0)

    // Again on the same folder: the nodes keep their cluster (formatted once) and the message.
    const second = await startCli('--brokers', '3', '--data-dir', dataDir)
    const consumer = client(second.brokers).consumer({ groupId: 'kafka-cli-test' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'kept', fromBeginning: true })
    const value = await new Promise<string>((resolve, reject) => {
      setTimeout(() => reject(new Error('the message written before the restart did not come back in 60 s')), 60_000)
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) })
    })
    await consumer.disconnect()
    expect(value).toBe('before the restart')
    second.child.kill('SIGINT')
    expect(await second.exited).toBe(0)
  }, 600_000)

  it('refuses a port with a cluster and a node count out of range, exit code 2', async () => {
    for (const [args, message] of [
      [['--brokers', '3', '--port', '9092'], '--port is for a single broker'],
      [['--brokers', '0'], '--brokers must be a number of nodes from 1 to 9'],
      [['--brokers', 'three'], '--brokers must be a number of nodes from 1 to 9'],
    ] as const) {
      const child = spawn(process.execPath, [bin, 'kafka', ...args], { env: { ...process.env, NODE_OPTIONS: '' } })
      let err = ''
      child.stderr.on('data', (d: Buffer) => (err += d))
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
      expect({ code, err }).toMatchObject({ code: 2, err: expect.stringContaining(message) })
    }
  })
})

import { existsSync } from 'node:fs'
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalBroker, type LocalBroker } from './local-broker'

// The first run may copy the broker's jars with Maven, which downloads them when ~/.m2 is cold.
const SLOW = 120_000

let broker: LocalBroker | undefined

beforeAll(async () => {
  broker = await startLocalBroker()
}, SLOW)
afterAll(async () => {
  await broker?.stop()
}, SLOW)

const client = (b: LocalBroker) => new Kafka({ clientId: 'local-broker-test', brokers: [b.brokers], logLevel: logLevel.NOTHING })

/** Reads `count` messages of `topic` from the beginning with a fresh consumer group. */
async function readFromStart(b: LocalBroker, topic: string, count: number): Promise<string[]> {
  const consumer = client(b).consumer({ groupId: `g-${Math.random()}` })
  const values: string[] = []
  try {
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error(`read ${values.length} of ${count} messages of ${topic} in 30 s`)), 30_000)
      consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '')
          if (values.length >= count) resolve()
        },
      }).catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return values
}

/** Creates `topic` and writes `value` to it with an idempotent producer, acknowledged by all replicas. */
async function produce(b: LocalBroker, topic: string, value: string) {
  const admin = client(b).admin()
  await admin.connect()
  expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(true)
  await admin.disconnect()
  const producer = client(b).producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] })
  await producer.disconnect()
}

describe('startLocalBroker', () => {
  it('serves a broker on a free 127.0.0.1 port with its data in a temp folder', () => {
    const b = broker!
    expect(b.brokers).toBe(`127.0.0.1:${b.port}`)
    expect(b.port).toBeGreaterThan(0)
    expect(existsSync(b.dataDir)).toBe(true)
  })

  it('keeps an idempotently produced message across a restart', async () => {
    const b = broker!
    await produce(b, 'keep', 'hello')
    expect(await readFromStart(b, 'keep', 1)).toEqual(['hello'])

    await b.restart()
    expect(await readFromStart(b, 'keep', 1)).toEqual(['hello'])
  }, SLOW)

  it('comes back with its data after a kill', async () => {
    const b = broker!
    await produce(b, 'crash', 'acked')
    await b.kill()
    await b.restart()
    expect(await readFromStart(b, 'crash', 1)).toEqual(['acked'])
  }, SLOW)

  it('removes its temp folder on stop, and refuses to restart after it', async () => {
    const b = await startLocalBroker()
    await b.stop()
    expect(existsSync(b.dataDir)).toBe(false)
    await expect(b.restart()).rejects.toThrow(/after stop/)
  }, SLOW)
})

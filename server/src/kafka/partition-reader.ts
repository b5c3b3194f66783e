import { randomUUID } from 'node:crypto'
import type { Kafka, KafkaMessage } from 'kafkajs'


/** What a partition read is told: the topic, the partition, where to start and the offset that ends it. */
export interface PartitionRead {
  kafka: Kafka
  topic: string
  partition: number
  /** The first offset to read. */
  from: number
  /** Reading stops once a record at this offset or later was passed on, or when `onRecord` says so. */
  last?: number
  /** Each record in offset order; returning `true` ends the read. */
  onRecord: (message: KafkaMessage) => boolean | void
  /** Read-committed (the default) or not. */
  readUncommitted?: boolean
  /** Prefix of the throwaway consumer's group. */
  groupPrefix: string
  /** How long the read may go without a batch before it rejects (ms); by default it waits. */
  idleTimeoutMs?: number
}

/**
 * Reads one partition of a topic from an offset with a throwaway consumer. Other partitions of the
 * topic start at their end, so nothing of theirs is fetched; fetches are large (a restore reads
 * megabytes).
 */
export async function readPartition({ kafka, topic, partition, from, last = Number.POSITIVE_INFINITY, onRecord, readUncommitted = false, groupPrefix, idleTimeoutMs }: PartitionRead): Promise<void> {
  const consumer = kafka.consumer({
    groupId: `${groupPrefix}-${randomUUID()}`,
    maxWaitTimeInMs: 50,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 16 * 1024 * 1024,
    readUncommitted,
  })
  let timer: NodeJS.Timeout | undefined
  let done = false
  /** Where to go on from: a consumer restarted by kafkajs (the broker went away) joins again and would start at the end. */
  let next = from
  consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition, offset: String(next) }))
  let fail: (error: Error) => void = () => {}
  // A consumer kafkajs gives up on ends the read (the caller tries again).
  consumer.on(consumer.events.CRASH, ({ payload }) => void (payload.restart || fail(payload.error)))
  try {
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: false })
    await new Promise<void>((resolve, reject) => {
      fail = reject
      const idle = () => {
        clearTimeout(timer)
        if (idleTimeoutMs !== undefined) timer = setTimeout(() => reject(new Error(`no record of ${topic}/${partition} for ${idleTimeoutMs} ms`)), idleTimeoutMs)
      }
      idle()
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (done || batch.partition !== partition) return
            idle()
            for (const m of batch.messages) {
              if (Number(m.offset) < next) continue
              next = Number(m.offset) + 1
              if (onRecord(m) === true || Number(m.offset) >= last) {
                done = true
                return resolve()
              }
            }
          },
        })
        .catch(reject)
      consumer.seek({ topic, partition, offset: String(from) })
    })
  } finally {
    clearTimeout(timer)
    await consumer.disconnect().catch(() => {})
  }
}

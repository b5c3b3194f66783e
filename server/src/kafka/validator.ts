import type { Consumer, Kafka, Message, Producer } from 'kafkajs'
import { encodeEntry, type ValidateOptions } from '../model'
import { retryUntilRunning } from './retry-until-running'
import { encodeHubs } from './increments-codec'
import { ValidationGather } from './validation-gather'
import { decodePart } from './validation-parts'

/** Options of the validator. */
export interface ValidatorOptions {
  kafka: Kafka
  /** The consumer group; every processor's validator joins it. */
  groupId: string
  /** The validation-parts topic (keyed by site). */
  input: string
  /** The compacted validations topic (keyed by site) the edges serve. */
  output: string
  /** The increments topic, where the second round of each request goes to stage 2. */
  increments: string
  /** The increments partition of a site's item (the stage-2 partition that owns its row). */
  partitionOf: (site: string, item: string) => number
  validate?: ValidateOptions
  log?: (line: string) => void
}

/**
 * A validation takes seconds for a large site, during which this thread sends no heartbeat: the
 * group allows a minute (the validator's partitions move to another processor that much later when
 * one dies, which delays a once-a-day result, nothing else).
 */
const SESSION_TIMEOUT_MS = 60_000

/**
 * The validator of Kafka mode, in the processor role: a consumer group on the validation-parts
 * topic that puts each request together (`ValidationGather`; once the first round's rows are in, it
 * asks stage 2 for the second round's, the hubs', through the increments topic), runs the core's `validate` and writes
 * each site's result to the validations topic. It commits its input offset no further than the
 * first part of a request still incomplete, so after a crash or a rebalance the new owner reads
 * every part of it again; a result written twice is the same result (the validation is
 * deterministic), so nothing is lost and a duplicate is harmless.
 */
export class Validator {
  readonly #o: ValidatorOptions
  readonly #gathers = new Map<number, ValidationGather>()
  #consumer: Consumer | undefined
  #producer: Producer | undefined
  #stopped = false

  constructor(options: ValidatorOptions) {
    this.#o = options
  }

  /** Joins the group and validates until stopped. */
  async start(): Promise<void> {
    const producer = (this.#producer = this.#o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 }))
    await producer.connect()
    await this.#run()
  }

  async #run(): Promise<void> {
    const { kafka, groupId, input, output, log } = this.#o
    this.#gathers.clear()
    const consumer = (this.#consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 1000, readUncommitted: false, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 3000 }))
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log?.(`${groupId}: consumer crashed (${payload.error.message}); kafkajs restarts it: ${payload.restart}`)
      if (!payload.restart && !this.#stopped) setTimeout(() => void this.#restart(), 1000)
    })
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const kept = new Set(payload.memberAssignment[input] ?? [])
      for (const partition of this.#gathers.keys()) if (!kept.has(partition)) this.#gathers.delete(partition)
    })
    await consumer.connect()
    await consumer.subscribe({ topic: input, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, isStale }) => {
        if (batch.messages.length === 0 || isStale()) return
        const { partition } = batch
        let gather = this.#gathers.get(partition)
        if (!gather) this.#gathers.set(partition, (gather = new ValidationGather({ ...this.#o.validate, partitionOf: this.#o.partitionOf })))
        const messages: Message[] = []
        for (const m of batch.messages) {
          if (!m.value) continue
          let part
          try {
            part = decodePart(m.value)
          } catch (error) {
            log?.(`${groupId}: partition ${partition} offset ${m.offset}: skipped (${(error as Error).message})`)
            continue
          }
          const done = gather.add(part, Number(m.offset))
          if (!done) continue
          if ('ask' in done) {
            // The second round, to stage 2 through its input; asked again after a restart, it is answered once.
            const asks = done.ask.map(({ partition, request }) => ({ partition, key: String(partition), value: encodeHubs(request) }))
            await this.#producer!.send({ topic: this.#o.increments, messages: asks, acks: -1 })
            continue
          }
          const started = Date.now()
          const validation = done.run()
          if (validation) log?.(`${groupId}: site ${JSON.stringify(done.site)} validated on day ${validation.day}: ${validation.cases} cases in ${Date.now() - started} ms`)
          const [key, value] = encodeEntry({ kind: 'validation', site: done.site, validation })
          messages.push({ key, value })
          await heartbeat()
        }
        if (messages.length > 0) await this.#producer!.send({ topic: output, messages, acks: -1 })
        const next = Number(batch.messages[batch.messages.length - 1]!.offset) + 1
        const offset = Math.min(next, gather.firstPending() ?? next)
        await consumer.commitOffsets([{ topic: input, partition, offset: String(offset) }])
      },
    })
  }

  #restart(): Promise<void> {
    const { groupId: name, log } = this.#o
    return retryUntilRunning(
      async () => {
        await this.#consumer?.disconnect().catch(() => {})
        await this.#run()
      },
      { stopped: () => this.#stopped, name, ...(log ? { log } : {}) },
    )
  }

  /** Leaves the group. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#consumer?.disconnect().catch(() => {})
    await this.#producer?.disconnect().catch(() => {})
  }
}

import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { LogUnavailableError } from '../log'
import { KafkaEventSink } from './event-sink'

describe('KafkaEventSink', () => {
  it('fails with LogUnavailableError, carrying the retry delay, when no broker acknowledges in time', async () => {
    // Port 1 on loopback refuses connections: a broker that is down.
    const kafka = new Kafka({ clientId: 'event-sink-test', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
    const sink = new KafkaEventSink({ kafka, topic: 'events', partitions: 2, timeoutMs: 300, retryAfterSeconds: 7 })
    const click = { id: 'e1', type: 'click', item: 'P1', session: 's1', ts: 0 } as const
    const error = await sink.append('demo', [click]).catch((e: unknown) => e)
    await sink.close()
    expect(error).toBeInstanceOf(LogUnavailableError)
    expect(error).toMatchObject({ name: 'LogUnavailableError', retryAfterSeconds: 7 })
    expect((error as LogUnavailableError).cause).toBeInstanceOf(Error)
  })
})

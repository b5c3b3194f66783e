import { Kafka, logLevel } from 'kafkajs'

/** A kafkajs client for `brokers` that logs only errors, through `log`. */
export function createKafka(brokers: readonly string[], clientId: string, log: (line: string) => void = console.error): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 2000 },
    logLevel: logLevel.ERROR,
    // Connection-level errors are retried by kafkajs and surface from the operation when final.
    logCreator: () => ({ namespace, log: entry }) => {
      if (namespace !== 'Connection') log(`kafkajs ${namespace}: ${entry.message}`)
    },
  })
}

import { Kafka, logLevel, type ISocketFactory } from 'kafkajs'
import { connect, isIP } from 'node:net'
import { connect as connectTls } from 'node:tls'

/**
 * kafkajs's default sockets, with Nagle's algorithm off as the Java client has it: a request written
 * while another is unacknowledged on the connection is sent at once, not after the broker's ACK.
 */
const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : connect({ host, port }, onConnect)
  socket.setKeepAlive(true, 60_000)
  socket.setNoDelay(true)
  return socket
}

/** A kafkajs client for `brokers` that logs only errors, through `log`. */
export function createKafka(brokers: readonly string[], clientId: string, log: (line: string) => void = console.error): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    socketFactory,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 2000 },
    logLevel: logLevel.ERROR,
    // Connection-level errors, and errors kafkajs retries (they carry a retry count), surface from
    // the operation when final.
    logCreator: () => ({ namespace, log: entry }) => {
      if (namespace !== 'Connection' && (entry as { retryCount?: number }).retryCount === undefined) log(`kafkajs ${namespace}: ${entry.message}`)
    },
  })
}

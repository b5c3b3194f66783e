import type { ClientMessage, RowsMessage } from '../protocol'
import type { Log } from '../shared'
import { backoffDelay, type BackoffOptions } from './backoff'
import type { Clock, OpenSocket, Socket } from './ports'
import { isServerMessage } from './server-message'
import { diffItems, subscribeMessages, unsubscribeMessages, type Resume } from './subscriptions'

/** Options of `new StreamClient()`. */
export interface StreamClientOptions {
  /** `ws(s)://host/v1/stream`. */
  url: string
  /** The site whose rows to receive. */
  site: string
  /** How sockets are opened. */
  openSocket: OpenSocket
  /** Timers for reconnecting. */
  clock: Clock
  /** Encodes client messages (MessagePack). */
  encode: (value: unknown) => Uint8Array<ArrayBuffer>
  /** Decodes server frames (MessagePack); may throw on garbage. */
  decode: (data: Uint8Array) => unknown
  /** Whether the row of `item` is held and current up to `resume()`. */
  held: (item: string) => boolean
  /** The stream cursor held (opaque) and its epoch, if any. */
  resume: () => Resume | undefined
  /** Receives every `rows` message. */
  onRows: (message: RowsMessage) => void
  /** Where failures are reported. */
  log?: Log
  /** Reconnect tuning. */
  backoff?: BackoffOptions
}

/** Keeps one socket to `/v1/stream` subscribed to the rows the session wants, reconnecting with backoff. */
export class StreamClient {
  #options: StreamClientOptions
  #wanted = new Set<string>()
  #socket: Socket | undefined
  #generation = 0
  #open = false
  #attempt = 0
  #cancel: (() => void) | undefined
  #closed = false

  constructor(options: StreamClientOptions) {
    this.#options = options
  }

  /** Sets the items whose rows the session needs; connects on the first one. */
  want(items: readonly string[]): void {
    const { site, held, resume } = this.#options
    const { added, removed } = diffItems(this.#wanted, items)
    this.#wanted = new Set(items)
    if (this.#open) {
      this.#send(unsubscribeMessages(site, removed))
      this.#send(subscribeMessages(site, added, held, resume()))
    } else if (!this.#socket && !this.#cancel && this.#wanted.size > 0) this.#connect()
  }

  /** Closes the socket for good. */
  close(): void {
    this.#closed = true
    this.#cancel?.()
    this.#socket?.close()
  }

  #connect(): void {
    if (this.#closed) return
    const { url, openSocket, log } = this.#options
    const generation = ++this.#generation
    const current = () => generation === this.#generation && !this.#closed
    try {
      this.#socket = openSocket(url, {
        open: () => {
          if (!current()) return
          const { site, held, resume } = this.#options
          this.#open = true
          this.#send(subscribeMessages(site, [...this.#wanted], held, resume()))
        },
        message: (data) => current() && this.#receive(data),
        close: () => current() && this.#reconnect(),
      })
    } catch (error) {
      log?.('opening the stream failed', error)
      this.#reconnect()
    }
  }

  #reconnect(): void {
    this.#socket = undefined
    this.#open = false
    this.#generation++
    if (this.#closed || this.#wanted.size === 0) return
    const delay = backoffDelay(++this.#attempt, undefined, this.#options.backoff)
    this.#cancel = this.#options.clock.after(delay, () => {
      this.#cancel = undefined
      this.#connect()
    })
  }

  #receive(data: Uint8Array): void {
    const { decode, onRows, log } = this.#options
    let message: unknown
    try {
      message = decode(data)
    } catch (error) {
      log?.('undecodable stream frame', error)
      return
    }
    if (!isServerMessage(message)) return log?.('unexpected stream message', message)
    if (message.type === 'error') return log?.(`stream error ${message.code}: ${message.error}`)
    this.#attempt = 0
    if (message.type === 'rows') onRows(message)
  }

  #send(messages: ClientMessage[]): void {
    for (const message of messages) {
      try {
        this.#socket?.send(this.#options.encode(message))
      } catch (error) {
        this.#options.log?.('sending on the stream failed', error)
      }
    }
  }
}

import type { ClientMessage } from '../protocol'
import { decode, encode } from './codec'
import type { Socket, SocketHandlers } from './ports'

/** A socket for unit tests: keeps what the client sent, and `push()` delivers a server message. */
export class FakeSocket implements Socket {
  sent: ClientMessage[] = []
  closed = false
  constructor(readonly handlers: SocketHandlers) {}
  send(data: Uint8Array): void {
    this.sent.push(decode(data) as ClientMessage)
  }
  close(): void {
    this.closed = true
  }
  push(message: unknown): void {
    this.handlers.message(encode(message))
  }
}

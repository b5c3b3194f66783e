/**
 * The wire of the SDK's page ↔ worker RPC: what `connect` (page) and `expose` (worker) post to each other.
 * Every message is a plain object that structured cloning copies as is.
 */

/** One side of a message channel: a `Worker` on the page, the worker's global scope, or a `MessagePort`. */
export interface Endpoint {
  /** Sends `message` to the other side (a structured clone of it). */
  postMessage(message: unknown): void
  /** Receives what the other side sends. */
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

/** Page → worker: run `method` with `args`; the answer carries the same `id` (none for id 0: one-way). */
export interface CallMessage {
  type: 'call'
  id: number
  method: string
  args: unknown[]
}

/** Worker → page: call `id` returned `value` (resolved, when it was a promise). */
export interface ResultMessage {
  type: 'result'
  id: number
  value: unknown
}

/** Worker → page: call `id` threw or rejected; the error's name and message. */
export interface FailureMessage {
  type: 'failure'
  id: number
  name: string
  message: string
}

/** Worker → page, unasked: `notice` happened (one argument, `value`). */
export interface NoticeMessage {
  type: 'notice'
  notice: string
  value: unknown
}

/** Everything the worker posts. */
export type WorkerMessage = ResultMessage | FailureMessage | NoticeMessage

/** An API's methods (a constraint: every member is a function). */
export type Methods<T> = { [K in keyof T]: (...args: never[]) => unknown }

/** An API's notices: each one takes one argument. */
export type Notices<T> = { [K in keyof T]: (value: never) => void }

import * as v from 'valibot'
import { IdSchema } from './event'
import { EPOCH_SHAPE, MAX_CURSOR_LENGTH, MAX_CURSOR_PARTITIONS, parseCursor } from './cursor'
import { LIMITS } from './limits'
import type { ModelRow } from './rows'

const items = v.pipe(
  v.array(IdSchema, 'must be an array of item ids'),
  v.maxLength(LIMITS.itemsPerRequest, `must hold at most ${LIMITS.itemsPerRequest} items`),
)

/** A stream cursor: the next offset of each rows partition, `"o0.o1.….oN-1"`. */
const cursor = v.pipe(
  v.string('must be a string'),
  v.maxLength(MAX_CURSOR_LENGTH, `must be at most ${MAX_CURSOR_LENGTH} characters`),
  v.check((s) => parseCursor(s) !== undefined, `must be at most ${MAX_CURSOR_PARTITIONS} offsets (digits) separated by dots`),
)

/** The rows log a cursor belongs to, as the edge's `hello` and `rows` name it. */
const epoch = v.pipe(v.string('must be a string'), v.regex(EPOCH_SHAPE, 'must be 1 to 64 letters, digits, _ or -'))

/**
 * Client → server: start receiving the rows of these items. The server answers with one `rows`
 * message holding every row changed at or after `cursor` (protocol 2), or after `since` (protocol
 * 1; on a rows topic of several partitions it answers every current row), or all current rows when
 * neither is given; then it pushes each later change. `cursor` wins when both are given. Send the
 * `epoch` the cursor came with: an edge of another rows log (a new topic, a new state file) answers
 * every current row instead, since the cursor's offsets mean nothing there.
 */
export const SubscribeSchema = v.object({
  type: v.literal('subscribe'),
  site: IdSchema,
  items,
  since: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  cursor: v.optional(cursor),
  epoch: v.optional(epoch),
})

/** Client → server: stop receiving the rows of these items. */
export const UnsubscribeSchema = v.object({
  type: v.literal('unsubscribe'),
  site: IdSchema,
  items,
})

/** Every message a client may send on `/v1/stream`. */
export const ClientMessageSchema = v.variant(
  'type',
  [SubscribeSchema, UnsubscribeSchema],
  'must be one of subscribe, unsubscribe',
)

/** A message from the client on `/v1/stream`. */
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>
/** A subscribe message. */
export type Subscribe = v.InferOutput<typeof SubscribeSchema>

/** Server → client, first message on a connection. */
export interface HelloMessage {
  type: 'hello'
  protocol: number
  /** The model version at connection time (on several rows partitions, the sum of `cursor`). */
  version: number
  /** The edge's cursor at connection time (protocol 2). */
  cursor?: string
  /** The rows log the edge's cursors are offsets of: a cursor is only resumed on the log of its epoch. */
  epoch?: string
}

/**
 * Server → client: rows that changed (or the snapshot answering a subscribe).
 * `null` means the row is now empty (every count left the window). Merge `cursor` into the one held
 * (element-wise maximum) and send it as `cursor` when resubscribing after a reconnect: nothing
 * changed after it is missed. A pushed change names its rows `partition`: it is news only if
 * `cursor`'s entry for that partition is past the one held (an edge that lags may push older ones).
 * `version` is protocol 1's (one partition: the latest row version; several: the sum of `cursor`,
 * comparable only between cursors of one partition count).
 */
export interface RowsMessage {
  type: 'rows'
  site: string
  version: number
  rows: Record<string, ModelRow | null>
  /** The edge's cursor after this change (protocol 2). */
  cursor?: string
  /** The rows log of `cursor` (as in `hello`); a cursor of another epoch is replaced, not merged. */
  epoch?: string
  /** The rows partition a pushed change comes from (absent on the answer to a subscribe, and in embedded mode). */
  partition?: number
}

/** Server → client: a message was rejected; the connection stays open. */
export interface ErrorMessage {
  type: 'error'
  error: string
  code: string
  details?: unknown
}

/** Every message the server sends on `/v1/stream`. */
export type ServerMessage = HelloMessage | RowsMessage | ErrorMessage

import * as v from 'valibot'
import { IdSchema } from './event'
import { LIMITS } from './limits'
import type { ModelRow } from './rows'

const items = v.pipe(
  v.array(IdSchema, 'must be an array of item ids'),
  v.maxLength(LIMITS.itemsPerRequest, `must hold at most ${LIMITS.itemsPerRequest} items`),
)

/**
 * Client → server: start receiving the rows of these items. The server answers with one `rows`
 * message holding every row changed after `since` (all current rows when `since` is absent),
 * then pushes each later change.
 */
export const SubscribeSchema = v.object({
  type: v.literal('subscribe'),
  site: IdSchema,
  items,
  since: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
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
  /** The model version at connection time. */
  version: number
}

/**
 * Server → client: rows that changed (or the snapshot answering a subscribe).
 * `null` means the row is now empty (every count left the window). Keep `version` and send it as
 * `since` when resubscribing after a reconnect: nothing changed after it is missed.
 */
export interface RowsMessage {
  type: 'rows'
  site: string
  version: number
  rows: Record<string, ModelRow | null>
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

import * as v from 'valibot'
import { LIMITS } from './limits'

/** A non-empty id of bounded length: event, item, session, user, list and site ids all use it. */
export const IdSchema = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(LIMITS.idLength, `must be at most ${LIMITS.idLength} characters`),
)

const common = {
  id: IdSchema,
  session: IdSchema,
  user: v.optional(IdSchema),
  list: v.optional(IdSchema),
  ts: v.pipe(
    v.number('must be a number (ms since the epoch)'),
    v.finite('must be finite'),
    v.minValue(0, 'must not be negative'),
  ),
}

/** Event types that concern one item. */
export const ITEM_EVENT_TYPES = ['view', 'click', 'cart', 'purchase'] as const

/** An interaction with one item: what the next-click model learns from. */
export const ItemEventSchema = v.object({
  ...common,
  type: v.picklist(ITEM_EVENT_TYPES, `must be one of ${ITEM_EVENT_TYPES.join(', ')}, impression`),
  item: IdSchema,
})

/** The items a rendered list showed, in order. */
export const ImpressionEventSchema = v.object({
  ...common,
  type: v.literal('impression'),
  items: v.pipe(
    v.array(IdSchema, 'must be an array of item ids'),
    v.minLength(1, 'must not be empty'),
    v.maxLength(LIMITS.impressionItems, `must hold at most ${LIMITS.impressionItems} items`),
  ),
})

/** One beacon event, as sent by the SDK and validated by the server. */
export const EventSchema = v.variant(
  'type',
  [ItemEventSchema, ImpressionEventSchema],
  `must be one of ${ITEM_EVENT_TYPES.join(', ')}, impression`,
)

/** One beacon event (see DESIGN.md, "Public contract"). */
export type Event = v.InferOutput<typeof EventSchema>
/** An event about one item. */
export type ItemEvent = v.InferOutput<typeof ItemEventSchema>
/** An impression of a list. */
export type ImpressionEvent = v.InferOutput<typeof ImpressionEventSchema>
/** The `type` of an event. */
export type EventType = Event['type']

/** Whether an event names one item (and so feeds the next-click model). */
export function isItemEvent(event: Event): event is ItemEvent {
  return event.type !== 'impression'
}

import * as v from 'valibot'
import { EventSchema, IdSchema } from './event'
import { LIMITS } from './limits'

/** The body of `POST /v1/events`. */
export const BatchSchema = v.object({
  site: IdSchema,
  /** The site's public write key; a site that is not open refuses a batch without it. Never stored. */
  key: v.optional(IdSchema),
  events: v.pipe(
    v.array(EventSchema, 'must be an array of events'),
    v.minLength(1, 'must hold at least one event'),
    v.maxLength(LIMITS.batchEvents, `must hold at most ${LIMITS.batchEvents} events`),
  ),
})

/** A batch of events for one site. */
export type Batch = v.InferOutput<typeof BatchSchema>

/** The `202` answer to `POST /v1/events`: the batch is durable. */
export interface Accepted {
  /** Events newly appended to the log. */
  accepted: number
  /** Events whose id the log already held; they change nothing. */
  duplicates: number
}

/** Every error answer of the HTTP API and of the stream. */
export interface ErrorBody {
  /** A sentence for people. */
  error: string
  /** A stable machine-readable code, e.g. `invalid_batch`, `payload_too_large`. */
  code: string
  /** Structured detail, e.g. the invalid fields with their paths. */
  details?: unknown
}

/** One invalid field, as listed in the `details` of a `400`. */
export interface FieldIssue {
  /** Dotted path to the field, e.g. `events.3.item`. */
  path: string
  /** Why it is invalid. */
  message: string
}

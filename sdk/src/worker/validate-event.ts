import * as v from 'valibot'
import { EventSchema, type Event } from '../protocol'
import type { DraftEvent } from '../shared'
import { InvalidEventError } from './errors'

/**
 * Checks a draft against the wire schema before it reaches the outbox: one invalid event would make the
 * server refuse its whole batch. The session is stamped later, from storage.
 */
export function validateEvent(draft: DraftEvent): Event {
  const result = v.safeParse(EventSchema, { ...draft, session: draft.session || 'pending' })
  if (result.success) return result.output
  const why = result.issues.map((issue) => `${v.getDotPath(issue) ?? 'event'}: ${issue.message}`).join('; ')
  throw new InvalidEventError(`invalid event (${why})`)
}

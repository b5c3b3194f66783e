import { BatchSchema, LIMITS, type Accepted, type Batch } from '@sequitur/sdk/protocol'
import { Hono } from 'hono'
import * as v from 'valibot'
import { DAY_MS, type Clock } from '../clock'
import { ApiError } from '../errors'
import { fieldIssues } from '../field-issues'
import type { EventSink } from '../log'
import type { SiteRegistry } from '../sites'
import { checkBatch } from './batch-check'
import { admitSite } from './site-access'
import { limitBody, readBodyAndBytes, respond } from './codec'
import type { AdmitEvents } from './quota'

/** What `POST /v1/events` needs. */
export interface EventsRouteOptions {
  sink: EventSink
  sites: SiteRegistry
  clock: Clock
  /** How far ahead of the server's clock an event's `ts` may be. */
  maxClockSkewMs?: number
  /** The site's quota on this edge: throws `429` when the batch's events are over it; absent = unlimited. */
  admit?: AdmitEvents
}

/** `POST /v1/events`: validates a batch and answers `202` once the log holds it durably. */
export function eventsRoute({ sink, sites, clock, maxClockSkewMs = DAY_MS, admit }: EventsRouteOptions): Hono {
  return new Hono().post(
    '/',
    limitBody(LIMITS.batchBytes, `a batch may be at most ${LIMITS.batchBytes} bytes`),
    async (c) => {
      const { value, msgpack } = await readBodyAndBytes(c)
      const checked = checkBatch(value)
      // The key only admits the batch: the log gets the events (the msgpack bytes of each event, never the body).
      const { site, key, events } = checked ?? validBatch(value)
      const now = clock()
      admitSite(c, sites, site, key, now)
      const latest = now + maxClockSkewMs
      const future = events.findIndex((e) => e.ts > latest)
      if (future >= 0) {
        throw new ApiError(400, 'invalid_batch', 'the batch is invalid', [
          { path: `events.${future}.ts`, message: 'is more than a day ahead of the server clock' },
        ])
      }
      // Last of the checks: a batch refused for any other reason spends none of the quota.
      admit?.(site, events.length)
      // The bytes stand for the events only when the check kept every event as it came.
      const result: Accepted = await sink.append(site, events, checked?.verbatim ? msgpack : undefined)
      return respond(c, result, 202)
    },
  )
}

/** The batch as the schema outputs it, or a `400` naming each invalid field. */
function validBatch(body: unknown): Batch {
  const parsed = v.safeParse(BatchSchema, body)
  if (!parsed.success) throw new ApiError(400, 'invalid_batch', 'the batch is invalid', fieldIssues(parsed.issues))
  return parsed.output
}

import type { Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'

/** One event of a site, as the events topic carries it. */
export type SiteEvent = readonly [site: string, event: Event]

/**
 * A record of the events topic: the events of one partition that one send carried, in order. Each
 * event sits on the partition its key (site and session) gives, so a session's events stay in order.
 */
export function encodeEvents(events: readonly SiteEvent[]): Buffer {
  return pack(events)
}

/** The events of a record, in order; also reads the one-event records (`{ site, event }`) of older edges. */
export function decodeEvents(value: Buffer): SiteEvent[] {
  const decoded = unpack(value) as SiteEvent[] | { site: string; event: Event }
  return Array.isArray(decoded) ? decoded : [[decoded.site, decoded.event]]
}

/** The key that places a session's events: site and session. */
export const sessionKey = (site: string, session: string): string => `${site}\0${session}`

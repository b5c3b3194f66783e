import type { Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'

/** One event of a site, as the events topic carries it. */
export type SiteEvent = readonly [site: string, event: Event]

/** A record of the events topic: the events of one partition that one send carried, in order. */
export function encodeEvents(events: readonly SiteEvent[]): Buffer {
  return pack(events)
}

/** The events of a record, in order. */
export function decodeEvents(value: Buffer): SiteEvent[] {
  return unpack(value) as SiteEvent[]
}

/**
 * The key that places a site's events: all of a site's events are one ordered stream (one
 * partition), so its event time, sessions and event ids are decided in one place, as in embedded
 * mode; sites spread over the partitions.
 */
export const siteKey = (site: string): string => site

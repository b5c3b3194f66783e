import type { Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import type { SiteSettings } from '../model'

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
 * A change of a site's registry record that the model follows: its settings, or (`null`) its
 * removal. It travels the events topic, in order with the site's events, so that stage 1 applies it
 * at one place in the site's stream and hands it on to every stage-2 partition.
 */
export interface SiteChange {
  site: string
  settings: SiteSettings | null
}

/** A record of the events topic carrying a `SiteChange` (a map; event records are arrays). */
export const encodeSiteChange = ({ site, settings }: SiteChange): Buffer => pack({ site, settings: settings && [settings.windowDays, settings.topK] })

/**
 * An operator's request to validate a site now (`POST /v1/admin/validate`): it travels the events
 * topic like a site change, so stage 1 asks at one place in the site's stream.
 */
export interface ValidateCommand {
  validate: string
}

/** A record of the events topic carrying a `ValidateCommand`. */
export const encodeValidateCommand = ({ validate }: ValidateCommand): Buffer => pack({ validate })

/** The events of a record, or the site change or validate command it carries. */
export function decodeRecord(value: Buffer): SiteEvent[] | SiteChange | ValidateCommand {
  const v = unpack(value) as SiteEvent[] | { site: string; settings: [number, number] | null } | ValidateCommand
  if (Array.isArray(v)) return v
  if ('validate' in v) return { validate: v.validate }
  return { site: v.site, settings: v.settings && { windowDays: v.settings[0], topK: v.settings[1] } }
}

/**
 * The key that places a site's events: all of a site's events are one ordered stream (one
 * partition), so its event time, sessions and event ids are decided in one place, as in embedded
 * mode; sites spread over the partitions.
 */
export const siteKey = (site: string): string => site

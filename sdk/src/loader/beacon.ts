import type { DraftEvent } from '../shared'

/**
 * Most JSON characters in one beacon: browsers cap the bodies of beacons in flight at 64 KiB in all, and a
 * character is at most 3 bytes of UTF-8, so a beacon (under 20,000 characters) stays under 60 KB whatever the ids are made of.
 */
const BEACON_CHARS = 19_000

/**
 * Sends the events that already have a session with `navigator.sendBeacon`, split into beacons under 60 KB,
 * until the browser refuses one (its 64 KiB in flight are used up); returns those it queued. What is left
 * stays in the worker's outbox for the next page. The server dedupes by id, so sending twice is harmless.
 * The body is a string, which a beacon sends as `text/plain;charset=UTF-8`, a CORS-safelisted type: no
 * preflight (which a beacon with credentials and a wildcard CORS answer would fail); the server reads it as JSON.
 * The site and its write key go in the body, as in every batch (JSON leaves out an undefined key).
 */
export function sendBeacon(endpoint: string, site: string, key: string | undefined, pending: Iterable<DraftEvent>): DraftEvent[] {
  const sent: DraftEvent[] = []
  let events: DraftEvent[] = []
  let chars = 0
  const send = () => !events[0] || (navigator.sendBeacon(`${endpoint}/v1/events`, JSON.stringify({ site, key, events })) && sent.push(...events))
  for (const event of pending) {
    if (!event.session) continue
    // The commas between events and the envelope fit in the 1,000 characters left to 20,000.
    const size = JSON.stringify(event).length
    if (chars + size > BEACON_CHARS) {
      if (!send()) return sent
      events = []
      chars = 0
    }
    events.push(event)
    chars += size
  }
  send()
  return sent
}

import type { DraftEvent } from '../shared'

/** What one beacon may carry: browsers cap in-flight beacon bodies at 64 KiB. */
const BEACON_BYTES = 60_000

/**
 * Sends the events that already have a session with `navigator.sendBeacon` (JSON), as many as fit in one
 * beacon with the site's write key; returns those the browser queued. The server dedupes by id, so the worker sending them again is harmless.
 * Beacons carry credentials, so a cross-origin `application/json` one needs a preflight that a wildcard CORS
 * answer fails: across origins the JSON goes as `text/plain`, which needs none (the server reads it as JSON).
 */
export function sendBeacon(endpoint: string, site: string, key: string | undefined, pending: Iterable<DraftEvent>): DraftEvent[] {
  const events: DraftEvent[] = []
  let bytes = 0
  for (const event of pending) {
    if (!event.session) continue
    bytes += JSON.stringify(event).length
    if (bytes > BEACON_BYTES) break
    events.push(event)
  }
  const type = new URL(endpoint).origin === location.origin ? 'application/json' : 'text/plain'
  const body = new Blob([JSON.stringify({ site, key, events })], { type })
  return events.length > 0 && navigator.sendBeacon(`${endpoint}/v1/events`, body) ? events : []
}

import { LIMITS, type Accepted, type Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { basename } from 'node:path'
import { clicksInTimeOrder, readClickLog, type Click } from './sessions'

/** Options of a bootstrap run. */
export interface BootstrapOptions {
  /** Timestamped click logs (session-rec or Diginetica layout). */
  inputs: readonly string[]
  /** The site the history belongs to. */
  site: string
  /** Base URL of a running Sequitur server. */
  url: string
  /** Events per request. */
  batch?: number
  /** Called after each acknowledged batch. */
  progress?: (sent: number, total: number) => void
}

/** What a bootstrap run did. */
export interface BootstrapResult extends Accepted {
  events: number
  seconds: number
}

/** Thrown when the server refuses a batch for good. */
export class BootstrapError extends Error {
  override name = 'BootstrapError'
}

/**
 * Loads historical click logs into a running server's model, through its own `POST /v1/events`, in
 * event time: the same log and processor as live traffic, so the window and the dedupe apply, and
 * it works alike in embedded and Kafka mode. Event ids are derived from file, session and position,
 * so running it twice counts nothing twice.
 */
export async function bootstrap({ inputs, site, url, batch = LIMITS.batchEvents, progress }: BootstrapOptions): Promise<BootstrapResult> {
  const started = performance.now()
  const events: Event[] = []
  for (const file of inputs) {
    const name = basename(file)
    const { sessions } = readClickLog(file)
    const positions = new Map<string, number>()
    for (const click of clicksInTimeOrder(sessions)) {
      const i = positions.get(click.session) ?? 0
      positions.set(click.session, i + 1)
      events.push(toEvent(click, `${name}:${click.session}:${i}`))
    }
  }
  events.sort((a, b) => a.ts - b.ts)
  const result: BootstrapResult = { events: events.length, accepted: 0, duplicates: 0, seconds: 0 }
  for (let i = 0; i < events.length; i += batch) {
    const answer = await post(`${url.replace(/\/+$/, '')}/v1/events`, { site, events: events.slice(i, i + batch) })
    result.accepted += answer.accepted
    result.duplicates += answer.duplicates
    progress?.(Math.min(i + batch, events.length), events.length)
  }
  result.seconds = (performance.now() - started) / 1000
  return result
}

/** A history click as a `click` event. */
export function toEvent({ session, item, ts }: Click, id: string): Event {
  return { id, type: 'click', item, session, ts }
}

/** Posts one batch, waiting out `429`/`503` (honouring `Retry-After`) and network errors. */
async function post(url: string, body: { site: string; events: Event[] }, attempts = 8): Promise<Accepted> {
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/msgpack', accept: 'application/msgpack' },
        body: pack(body),
      })
    } catch (error) {
      if (attempt >= attempts) throw new BootstrapError(`cannot reach ${url}: ${String(error)}`)
    }
    if (res?.status === 202) return unpack(new Uint8Array(await res.arrayBuffer())) as Accepted
    if (res && res.status !== 429 && res.status < 500) {
      throw new BootstrapError(`${url} refused a batch with ${res.status}: ${await res.text()}`)
    }
    if (attempt >= attempts) throw new BootstrapError(`${url} kept answering ${res?.status ?? 'nothing'}`)
    const retryAfter = Number(res?.headers.get('retry-after'))
    await new Promise((r) => setTimeout(r, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250 * 2 ** attempt))
  }
}

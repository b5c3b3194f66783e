import type { Ranked, SessionProfile } from './model'
import type { EventType } from './protocol'

/** What a page passes to `track()`: the SDK adds the event id, the session and the time. */
export interface TrackInput {
  type: EventType
  /** The item, for every type but `impression`. */
  item?: string
  /** The items shown, in order, for `impression`. */
  items?: string[]
  /** The id of the rendered list the item was in: ties a click to its impression. */
  list?: string
  /** A stable id of the signed-in user, if any. */
  user?: string
}

/**
 * The visitor's consent to sending events. `granted`: as usual. `pending`: events wait on the device and are
 * sent on grant, deleted on deny. `denied`: fully local (trail, cached rows, re-rank and recommend still work);
 * no event and no identifier leaves the device.
 */
export type Consent = 'pending' | 'granted' | 'denied'

/** What `stats()` reports, counted since the page started the SDK. */
export interface SdkStats {
  /** Events POSTed (each attempt counts; the page's beacons when it is hidden are not counted). */
  sent: number
  /** Events the server acknowledged. */
  acknowledged: number
  /** Events dropped unsent: outbox `full`, `refused` by the server (4xx), `consent` denied, storage `quota` exceeded. */
  dropped: { full: number; refused: number; consent: number; quota: number }
  /** Failed attempts in a row (0 once the server answers). */
  retries: number
  /** `indexeddb`, or `memory` when IndexedDB is unavailable or its connection was lost for good (the session then lasts as long as the page). */
  storage: 'indexeddb' | 'memory'
  /** The current consent. */
  consent: Consent
}

/** Options of `createSequitur()`. */
export interface SequiturOptions {
  /** The site id the server knows, e.g. `demo`. */
  site: string
  /** Base URL of the Sequitur server; defaults to the page's origin. */
  endpoint?: string
  /** URL of the worker script (`sdk-worker.js`); defaults to `${endpoint}/sdk-worker.js`. */
  workerUrl?: string
  /** Track clicks on `[data-sq-item]` and re-order `[data-sq-rerank]` containers; default true. */
  autoCapture?: boolean
  /** Print the SDK's failures to the console; default false. */
  debug?: boolean
  /** The site's public write key (`data-key`); not needed for an open site. Sent in event bodies and the stream's and trending's query. */
  key?: string
  /** The visitor's consent at start (`data-consent` on the script tag); default `granted`. */
  consent?: Consent
}

/** What changed in the session's view of the model. */
export interface ChangeInfo {
  /** `trail`: the session clicked something; `rows`: the server pushed new model rows. */
  reason: 'trail' | 'rows'
}

/** Detail of the `sequitur:reranked` DOM event dispatched on a container after it was re-ordered. */
export interface RerankedDetail {
  /** Item ids in the order before. */
  before: string[]
  /** The new order, with scores and reasons. */
  ranked: Ranked[]
}

/** The SDK as a page sees it. No call throws into the page; failures are logged in debug mode. */
export interface Sequitur {
  /** Records an event; returns at once. */
  track(event: TrackInput): void
  /**
   * The same items in the order this session most likely wants them, with scores and reasons; with
   * `{ debug: true }` each also carries its windowed features (recent clicks, the session's duration,
   * engagement and recent categories).
   */
  rerank(items: string[], options?: { debug?: boolean }): Promise<Ranked[]>
  /** The `k` items this session most likely visits next. */
  recommend(k: number): Promise<Ranked[]>
  /** Sends every queued event now; resolves when the server has them or the attempt failed. */
  flush(): Promise<void>
  /** The items of this session's trail, oldest first. */
  trail(): Promise<string[]>
  /** This session's profile: the share of each category it looked at and its price range. */
  profile(): Promise<SessionProfile>
  /** Calls `listener` whenever the trail or the cached rows change; returns an unsubscribe function. */
  onChange(listener: (change: ChangeInfo) => void): () => void
  /** Sets the visitor's consent (see `Consent`). */
  consent(state: Consent): void
  /**
   * What the SDK sent, had acknowledged and dropped (by reason), and where it keeps its state; `undefined`
   * when its worker could not start (e.g. a strict CSP): then nothing is recorded or sent and lists keep the page's order.
   */
  stats(): Promise<SdkStats | undefined>
  /** Stops the worker and removes every listener. */
  destroy(): void
}

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

/** Options of `createSequitur()`. */
export interface SequiturOptions {
  /** The site id the server knows, e.g. `demo`. */
  site: string
  /** The site's public write key, sent with every batch and read (script attribute `data-key`); an open site needs none. */
  key?: string
  /** Base URL of the Sequitur server; defaults to the page's origin. */
  endpoint?: string
  /** URL of the worker script (`sdk-worker.js`); defaults to `${endpoint}/sdk-worker.js`. */
  workerUrl?: string
  /** Track clicks on `[data-sq-item]` and re-order `[data-sq-rerank]` containers; default true. */
  autoCapture?: boolean
  /** Print the SDK's failures to the console; default false. */
  debug?: boolean
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
  /** Stops the worker and removes every listener. */
  destroy(): void
}

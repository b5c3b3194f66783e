import type { ChangeInfo, Consent, SdkStats, TrackInput } from '../api'
import type { Ranked, SessionProfile } from '../model'
import type { PackedRanking } from './packed-ranking'

/** A session ends after this long without events. */
export const SESSION_IDLE_MS = 30 * 60_000

/** An event as the loader hands it to the worker: the worker confirms (or fills) the session. */
export interface DraftEvent extends TrackInput {
  /** A fresh random id; the server counts a repeated id once. */
  id: string
  /** ms since the epoch, page clock. */
  ts: number
  /** The session as the loader last heard it; absent when unknown or about to expire. */
  session?: string
}

/** What the worker needs to start. */
export interface WorkerConfig {
  /** The site id, e.g. `demo`: also names the IndexedDB database. */
  site: string
  /** Absolute base URL of the server, without a trailing slash. */
  endpoint: string
  /** Log failures to the console. */
  debug: boolean
  /** The site's public write key, if any. */
  key?: string
  /** The visitor's consent at start; default `granted`. */
  consent?: Consent
}

/** The current session as the worker sees it. */
export interface SessionInfo {
  /** The session id stamped on every event. */
  session: string
  /** Time of the session's latest event (ms since the epoch). */
  lastActivity: number
}

/** What the worker reports to the loader unasked (as RPC notices). */
export interface WorkerEvents {
  /** The session changed: first start, or a new one after 30 minutes idle. */
  session(info: SessionInfo): void
  /** The server acknowledged these events, or they can never be sent: stop holding them. */
  settled(ids: string[]): void
  /** The trail or the cached rows changed. */
  change(info: ChangeInfo): void
}

/** The worker side of the SDK; `WorkerRpc` is how the loader reaches it. */
export interface WorkerApi {
  /** Opens storage, restores the session and starts sending; call once, before anything else. */
  start(config: WorkerConfig, events: WorkerEvents): Promise<SessionInfo>
  /** Validates the event, stores it in the outbox (and the trail) and schedules sending. */
  track(event: DraftEvent): Promise<void>
  /** Orders `items` for this session; with `debug`, each item carries its windowed features. */
  rerank(items: string[], debug?: boolean): Ranked[]
  /** The `k` likeliest next items. */
  recommend(k: number): Ranked[]
  /** The session's item ids, oldest first. */
  trail(): string[]
  /** The session's own profile (categories and prices of what it looked at). */
  profile(): SessionProfile
  /** Sends every queued event now. */
  flush(): Promise<void>
  /** Sets the visitor's consent: `granted` sends what waited, `denied` deletes it and sends nothing more. */
  consent(state: Consent): Promise<void>
  /** What the SDK sent, had acknowledged and dropped, where it keeps its state, and the consent. */
  stats(): Promise<SdkStats>
}

/**
 * What the loader calls over the RPC (see `rpc/`): `WorkerApi` as it crosses threads. `start` takes no
 * callbacks (the worker reports `WorkerEvents` as notices) and `rerank` answers packed.
 */
export interface WorkerRpc {
  /** `WorkerApi.start`, with the events sent as notices. */
  start(config: WorkerConfig): Promise<SessionInfo>
  /** `WorkerApi.track`. */
  track(event: DraftEvent): Promise<void>
  /** `WorkerApi.rerank`, packed (`unpackRanking` rebuilds it). */
  rerank(items: string[], debug: boolean): PackedRanking
  /** `WorkerApi.recommend`. */
  recommend(k: number): Ranked[]
  /** `WorkerApi.trail`. */
  trail(): string[]
  /** `WorkerApi.profile`. */
  profile(): SessionProfile
  /** `WorkerApi.flush`. */
  flush(): Promise<void>
  /** `WorkerApi.consent`. */
  consent(state: Consent): Promise<void>
  /** `WorkerApi.stats`. */
  stats(): Promise<SdkStats>
}

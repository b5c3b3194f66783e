import type { ChangeInfo, Sequitur, SequiturOptions } from '../api'
import type { Ranked } from '../model'
import {
  connect,
  createLog,
  randomId,
  SESSION_IDLE_MS,
  unpackRanking,
  type Client,
  type DraftEvent,
  type SessionInfo,
  type WorkerEvents,
  type WorkerRpc,
} from '../shared'
import { startAutoCapture } from './auto-capture'
import { sendBeacon } from './beacon'
import { startWorker } from './start-worker'

/** Most events held on the main thread until the worker reports them acknowledged. */
const MAX_PENDING = 500

/** Starts Sequitur on this page: a worker that records, sends and scores, and (by default) auto-capture. */
export function createSequitur(options: SequiturOptions): Sequitur {
  const { site, key, debug = false } = options
  let consent = options.consent ?? 'granted'
  const log = createLog(debug)
  const listeners = new Set<(change: ChangeInfo) => void>()
  const pending = new Map<string, DraftEvent>()
  let endpoint = ''
  let session: SessionInfo | undefined
  let worker: Worker | undefined
  let api: Client<WorkerRpc> | undefined
  let ready: Promise<unknown> = Promise.resolve()
  let stopCapture = () => {}

  const call = <T>(run: (api: Client<WorkerRpc>) => Promise<T>, fallback: T): Promise<T> =>
    ready
      .then(() => (api ? run(api) : fallback))
      .catch((error: unknown) => {
        log('call', error)
        return fallback
      })

  const beacon = () => {
    try {
      for (const event of sendBeacon(endpoint, site, key, pending.values())) pending.delete(event.id)
    } catch (error) {
      log('beacon', error)
    }
  }
  // Beacons go on `pagehide` and when the page is hidden, the last moment a page is sure to run: a
  // tab closed, an app sent to the background, where a phone may end it with no other event. (Tabs
  // closed in Firefox: a beacon sent on pagehide arrived 8-13 times in 30, one sent when hidden 29-30.)
  // A tab switch beacons too; the worker still sends its outbox, and the server counts an event once.
  // `visibilitychange` bubbles from the document to the window.
  const leave = () => document.hidden && beacon()

  const events: WorkerEvents = {
    session: (info) => void (session = info),
    settled: (ids) => ids.forEach((id) => pending.delete(id)),
    change: (change) =>
      listeners.forEach((listener) => {
        try {
          listener(change)
        } catch (error) {
          log('listener', error)
        }
      }),
  }

  const sequitur: Sequitur = {
    track(input) {
      try {
        const ts = Date.now()
        // A session idle too long is about to end: leave the id to the worker, which starts the next one.
        const live = session && ts - session.lastActivity <= SESSION_IDLE_MS ? session : undefined
        if (live) live.lastActivity = ts
        const draft: DraftEvent = { ...input, id: randomId(), ts, session: live?.session }
        // Only events that may leave the device are held for the beacon.
        if (consent === 'granted') pending.set(draft.id, draft)
        if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!)
        // One way: no promise on the page's thread; an invalid event comes back as `settled`.
        api?.send('track', draft)
      } catch (error) {
        log('track', error)
      }
    },
    rerank: (items, options) =>
      call<Ranked[]>(
        (api) => api.call('rerank', items, !!options?.debug).then((packed) => unpackRanking(items, packed)),
        items.map((item) => ({ item, score: 0, reasons: [] })),
      ),
    recommend: (k) => call((api) => api.call('recommend', k), []),
    flush: () => call((api) => api.call('flush'), undefined),
    trail: () => call((api) => api.call('trail'), []),
    consent(state) {
      consent = state
      // Held only for the beacon: withdrawn consent must not beacon them; when granted, the outbox
      // (worker) has them anyway.
      pending.clear()
      // One way, after `start` (messages are ordered); a worker that failed to start sends nothing anyway.
      api?.send('consent', state)
    },
    stats: () => call((api) => api.call('stats'), undefined),
    profile: () => call((api) => api.call('profile'), { items: 0, categories: {} }),
    onChange(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    destroy() {
      try {
        beacon()
        removeEventListener('pagehide', beacon)
        removeEventListener('visibilitychange', leave)
        stopCapture()
        listeners.clear()
        worker?.terminate()
        api?.close()
        api = undefined
      } catch (error) {
        log('destroy', error)
      }
    },
  }

  try {
    endpoint = new URL(options.endpoint ?? '/', location.href).href.replace(/\/+$/, '')
    const started = (worker = startWorker(options.workerUrl ?? `${endpoint}/sdk-worker.js`))
    const remote = (api = connect<WorkerRpc, WorkerEvents>(started, events))
    // A worker script that fails to load never answers: give up on it instead of waiting forever.
    const failed = new Promise<never>((_, reject) => started.addEventListener('error', reject))
    ready = Promise.race([remote.call('start', { site, key, endpoint, debug, consent }), failed]).then(
      (info) => void (session = info),
      (error: unknown) => {
        log('start', error)
        api = undefined
      },
    )
    addEventListener('pagehide', beacon)
    addEventListener('visibilitychange', leave)
    if (options.autoCapture !== false) stopCapture = startAutoCapture(sequitur, log)
  } catch (error) {
    log('start', error)
  }
  return sequitur
}

import { expose, notifier, packRanking, type Endpoint, type WorkerApi, type WorkerEvents, type WorkerRpc } from '../shared'

/** Serves `worker` to the loader on `endpoint` (the worker's global scope): calls in, results and notices out. */
export function serveWorker(endpoint: Endpoint, worker: WorkerApi): void {
  const notify = notifier<WorkerEvents>(endpoint)
  const events: WorkerEvents = {
    session: (info) => notify('session', info),
    settled: (ids) => notify('settled', ids),
    change: (change) => notify('change', change),
  }
  expose<WorkerRpc>(endpoint, {
    start: (config) => worker.start(config, events),
    // The loader sends `track` one way: an event that can never be valid is reported as settled.
    track: (event) =>
      worker.track(event).catch((error: unknown) => {
        if (error instanceof Error && error.name === 'InvalidEventError') events.settled([event.id])
        throw error
      }),
    rerank: (items, debug) => packRanking(items, worker.rerank(items, debug)),
    recommend: (k) => worker.recommend(k),
    trail: () => worker.trail(),
    profile: () => worker.profile(),
    flush: () => worker.flush(),
    consent: (state) => worker.consent(state),
    stats: () => worker.stats(),
  })
}

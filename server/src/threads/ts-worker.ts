import { Worker, type ResourceLimits } from 'node:worker_threads'
import { compiled, entryModule } from '../program'

/**
 * Starts a worker thread running the TypeScript module at `module` (a URL) with `data` as its
 * `workerData`: through tsx from the sources (worker threads do not inherit the parent's loader),
 * or the compiled bundle of that module in the compiled program.
 */
export function startTsWorker(module: string, data: object, resourceLimits?: ResourceLimits): Worker {
  const entry = compiled ? new URL(entryModule(module)) : new URL('./worker-entry.mjs', import.meta.url)
  return new Worker(entry, { workerData: { ...data, module }, ...(resourceLimits ? { resourceLimits } : {}) })
}

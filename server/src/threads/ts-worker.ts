import { fileURLToPath } from 'node:url'
import { Worker, type ResourceLimits } from 'node:worker_threads'

const entry = fileURLToPath(import.meta.resolve('./worker-entry.mjs'))

/** Starts a worker thread running the TypeScript module at `module` with `data` as its `workerData`. */
export function startTsWorker(module: string, data: object, resourceLimits?: ResourceLimits): Worker {
  return new Worker(entry, { workerData: { ...data, module }, ...(resourceLimits ? { resourceLimits } : {}) })
}

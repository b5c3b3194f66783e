// The entry of every worker thread: loads the TypeScript module named in `workerData.module` (a URL)
// through tsx, since worker threads do not inherit the parent's loader.
import { tsImport } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

await tsImport(workerData.module, import.meta.url)

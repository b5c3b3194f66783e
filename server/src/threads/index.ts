/** Worker threads running TypeScript modules (or their compiled bundles), and request/answer calls to them. */
export { ThreadCalls } from './thread-calls'
export { startTsWorker } from './ts-worker'

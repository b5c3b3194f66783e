/**
 * The embedded log's writer thread: appends the batches the main thread posts to the SQLite log with
 * group commit, and answers each with its events' positions once the commit is durable.
 */
import type { Event } from '@sequitur/sdk/protocol'
import { parentPort, workerData } from 'node:worker_threads'
import { SqliteLog } from './sqlite-log'

/** What the main thread posts. */
export type WriterRequest = { id: number; site: string; events: Event[]; now: number } | { close: true }
/** What the writer answers: positions (0 where the id was already held), or why the append failed. */
export type WriterReply = { id: number; seqs: Float64Array } | { id: number; error: string } | { closed: true }

const port = parentPort!
let now = 0
const log = new SqliteLog({ file: (workerData as { file: string }).file, clock: () => now, tail: false })
const reply = (message: WriterReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)

port.on('message', (request: WriterRequest) => {
  if ('close' in request) {
    log.close() // commits what is pending; its answers go out before `closed`
    setImmediate(() => {
      reply({ closed: true })
      port.close()
    })
    return
  }
  now = request.now
  log.appendPositions(request.site, request.events).then(
    (seqs) => reply({ id: request.id, seqs }, [seqs.buffer as ArrayBuffer]),
    (error: unknown) => reply({ id: request.id, error: String(error) }),
  )
})

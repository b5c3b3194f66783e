/**
 * The embedded log's writer thread: appends the batches the main thread posts to the SQLite log with
 * group commit, and answers each with its events' positions once the commit is durable.
 */
import type { Event } from '@sequitur/sdk/protocol'
import { parentPort, workerData } from 'node:worker_threads'
import { eventSpans } from './msgpack-spans'
import { SqliteLog } from './sqlite-log'

/** What the main thread asks (the events, or the msgpack request body that holds them verbatim, with their ids). */
export type WriterCall = { site: string; events: Event[]; now: number } | { site: string; ids: string[]; encoded: Uint8Array; now: number }
/** What the writer answers: each event's position (0 where the id was already held). */
export interface WriterAnswer {
  id: number
  seqs: Float64Array
}
type WriterRequest = (WriterCall & { id: number }) | { close: true }
type WriterReply = WriterAnswer | { id: number; error: string } | { closed: true }

const port = parentPort!
let now = 0
const log = new SqliteLog({ file: (workerData as { file: string }).file, clock: () => now, tail: false })

// Answers go out together, one message per turn of the event loop (a group commit answers many).
let replies: WriterReply[] = []
let transfer: ArrayBuffer[] = []
function reply(message: WriterReply, buffer?: ArrayBuffer): void {
  if (replies.push(message) === 1) setImmediate(flush)
  if (buffer) transfer.push(buffer)
}
function flush(): void {
  if (replies.length === 0) return
  port.postMessage(replies, transfer)
  replies = []
  transfer = []
}

function handle(request: WriterRequest): void {
  if ('close' in request) {
    log.close() // commits what is pending; its answers go out before `closed`
    setImmediate(() => {
      flush()
      port.postMessage([{ closed: true }])
      port.close()
    })
    return
  }
  now = request.now
  let appended: Promise<Float64Array>
  if ('events' in request) appended = log.appendPositions(request.site, request.events)
  else {
    // Each event is stored as the bytes it came in: no decoding, no encoding.
    const spans = eventSpans(request.encoded)
    if (spans?.length !== 2 * request.ids.length) return reply({ id: request.id, error: 'the encoded batch does not match its events' })
    appended = log.appendEncoded(request.site, request.ids, request.encoded, spans)
  }
  appended.then(
    (seqs) => reply({ id: request.id, seqs }, seqs.buffer as ArrayBuffer),
    (error: unknown) => reply({ id: request.id, error: String(error) }),
  )
}

port.on('message', (requests: WriterRequest[]) => requests.forEach(handle))

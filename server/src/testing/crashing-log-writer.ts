/**
 * A log writer thread for tests: the first time (no marker file beside the log), it commits the
 * first batch it is sent without answering, then dies, as a writer killed between its commit and its
 * answer would. From then on it is the real writer.
 */
import type { Event } from '@sequitur/sdk/protocol'
import { existsSync, writeFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { SqliteLog } from '../log'

const { file } = workerData as { file: string }
const marker = `${file}.crashed`
if (existsSync(marker)) {
  await import('../log/log-writer')
} else {
  parentPort!.once('message', async (requests: Array<{ site: string; events: Event[] }>) => {
    const log = new SqliteLog({ file, tail: false })
    await log.appendPositions(requests[0]!.site, requests[0]!.events)
    log.close()
    writeFileSync(marker, '')
    process.exit(1)
  })
}

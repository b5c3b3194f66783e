import { join } from 'node:path'
import { SqliteCatalog } from '../catalog'
import { StreamHub } from '../edge'
import { MemoryRowFeed } from '../feed'
import { ThreadedLog } from '../log'
import type { ModeContext, RunningMode } from '../mode'
import { RowTable } from '../state'
import { Processor } from './processor'
import { openStateFile } from './state-file'
import { ThreadedPlanWriter } from './threaded-plan-writer'

/** The default mode: the embedded log, the model's processor and the edge in this one process. */
export function startEmbedded({ config, clock, metrics, log }: ModeContext): RunningMode {
  const eventLog = new ThreadedLog({ file: join(config.dataDir, 'log.db'), clock, onError: (error) => log(`log writer: ${String(error)}`) })
  const { db: stateDb, store } = openStateFile(join(config.dataDir, 'state.db'))
  const rows = new RowTable(stateDb)
  const feed = new MemoryRowFeed()
  const hub = new StreamHub({ view: rows, sites: new Set(config.sites) })
  feed.subscribe((changes) => {
    metrics.rowsPublished.inc(Object.keys(changes.rows).length)
    hub.publish(changes)
  })
  const catalog = new SqliteCatalog(stateDb)
  const writer = new ThreadedPlanWriter({ file: join(config.dataDir, 'state.db'), onError: (error) => log(`commit writer: ${String(error)}`) })
  const processor = new Processor({
    source: eventLog,
    store,
    rows,
    feed,
    writer,
    catalog,
    clock,
    model: config.model,
    logRetentionDays: config.logRetentionDays,
    onLate: () => metrics.lateEvents.inc(),
    onApplied: (records) => metrics.eventsOut.inc(records),
    wanted: (site, item) => hub.wants(site, item),
    onError: (error) => log(`processor: batch failed, state reloaded: ${String(error)}`),
  })
  processor.drain()
  processor.start()
  return {
    edge: { sink: eventLog, view: rows, hub, catalog, profiles: processor, trending: processor },
    changeSite: async (site, settings) => processor.configure(site, settings),
    async close() {
      await processor.stop()
      await writer.close()
      await eventLog.close()
      stateDb.close()
    },
  }
}

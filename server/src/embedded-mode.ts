import { join } from 'node:path'
import { SqliteCatalog } from './catalog/sqlite-catalog'
import { StreamHub } from './edge/stream-hub'
import { MemoryRowFeed } from './feed/row-feed'
import { ThreadedLog } from './log/threaded-log'
import type { ModeContext, RunningMode } from './mode'
import { Processor } from './processor/processor'
import { ThreadedPlanWriter } from './processor/threaded-plan-writer'
import { ProfileStore } from './profiles/profile-store'
import { TrendingStore } from './trending/trending-store'
import { ModelStore } from './state/model-store'
import { RowTable } from './state/row-table'
import { openDb } from './state/sqlite'

/** The default mode: the embedded log, the processor and the edge in this one process. */
export function startEmbedded({ config, clock, metrics, log }: ModeContext): RunningMode {
  const eventLog = new ThreadedLog({ file: join(config.dataDir, 'log.db'), clock, onError: (error) => log(`log writer: ${String(error)}`) })
  const stateDb = openDb(join(config.dataDir, 'state.db'))
  const rows = new RowTable(stateDb)
  const feed = new MemoryRowFeed()
  const hub = new StreamHub({ view: rows, sites: new Set(config.sites) })
  feed.subscribe((changes) => {
    metrics.rowsPublished.inc(Object.keys(changes.rows).length)
    hub.publish(changes)
  })
  const catalog = new SqliteCatalog(stateDb)
  const profiles = new ProfileStore(stateDb)
  const trending = new TrendingStore(stateDb, config.trending)
  const writer = new ThreadedPlanWriter({ file: join(config.dataDir, 'state.db'), onError: (error) => log(`commit writer: ${String(error)}`) })
  const processor = new Processor({
    writer,
    catalog,
    profiles,
    trending,
    onLate: () => metrics.lateEvents.inc(),
    onApplied: (records) => metrics.eventsOut.inc(records),
    wanted: (site, item) => hub.wants(site, item),
    source: eventLog,
    store: new ModelStore(stateDb),
    rows,
    feed,
    clock,
    windowDays: config.windowDays,
    topK: config.topK,
    logRetentionDays: config.logRetentionDays,
    onError: (error) => log(`processor: batch failed, state reloaded: ${String(error)}`),
  })
  processor.drain()
  processor.start()
  return {
    edge: { sink: eventLog, view: rows, hub, catalog, profiles, trending },
    async close() {
      await processor.stop()
      await writer.close()
      await eventLog.close()
      stateDb.close()
    },
  }
}

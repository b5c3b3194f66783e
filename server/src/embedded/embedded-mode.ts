import { join } from 'node:path'
import { SqliteCatalog } from '../catalog'
import { StreamHub } from '../edge'
import { MemoryRowFeed } from '../feed'
import { ThreadedLog } from '../log'
import type { ModeContext, RunningMode } from '../mode'
import { RowTable } from '../state'
import { followModelSettings, SiteRegistry, SqliteSiteStore } from '../sites'
import { Processor } from './processor'
import { openStateFile } from './state-file'
import { ThreadedPlanWriter } from './threaded-plan-writer'

/** The default mode: the embedded log, the model's processor and the edge in this one process. */
export async function startEmbedded({ config, clock, metrics, log }: ModeContext): Promise<RunningMode> {
  const eventLog = new ThreadedLog({ file: join(config.dataDir, 'log.db'), clock, onError: (error) => log(`log writer: ${String(error)}`), onRestart: () => metrics.threadRestarts.inc({ thread: 'log-writer' }) })
  const { db: stateDb, store } = openStateFile(join(config.dataDir, 'state.db'))
  const rows = new RowTable(stateDb)
  const feed = new MemoryRowFeed()
  const catalog = new SqliteCatalog(stateDb)
  const sites = new SiteRegistry({
    store: new SqliteSiteStore(stateDb),
    settings: config.siteSettings,
    clock,
    // A removed site's log entries and catalog go here; its model state goes through `followModelSettings`.
    onRemoved: async (site) => {
      const records = eventLog.removeSite(site)
      const items = await catalog.removeSite(site)
      log(`sequitur: removed site "${site}": ${records} log records, ${items} catalog items`)
    },
  })
  await sites.start()
  const hub = new StreamHub({ view: rows, sites, clock, epoch: rows.epoch })
  feed.subscribe((changes) => {
    metrics.rowsPublished.inc(Object.keys(changes.rows).length)
    hub.publish(changes)
  })
  const writer = new ThreadedPlanWriter({ file: join(config.dataDir, 'state.db'), onError: (error) => log(`commit writer: ${String(error)}`), onRestart: () => metrics.threadRestarts.inc({ thread: 'commit-writer' }) })
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
    siteRetention: () => sites.list().map((r) => [r.site, r.settings.retentionDays] as [string, number]),
    onLate: () => metrics.lateEvents.inc(),
    onApplied: (records, receivedAt) => {
      metrics.eventsOut.inc(records)
      metrics.freshness.observe(Math.max(0, clock() - receivedAt) / 1000)
    },
    wanted: (site, item) => hub.wants(site, item),
    onError: (error) => log(`processor: batch failed, state reloaded: ${String(error)}`),
  })
  processor.drain()
  processor.start()
  metrics.collectValidation(() => processor.validatedFigures())
  // The model follows each site's window and top k, and forgets a removed site (its rows, profiles, trending).
  const unfollow = followModelSettings(sites, (site, settings) => processor.configure(site, settings))
  return {
    edge: { sink: eventLog, view: rows, hub, catalog, profiles: processor, trending: processor, validation: processor, sites },
    async close() {
      unfollow()
      await sites.stop()
      await processor.stop()
      await writer.close()
      await eventLog.close()
      stateDb.close()
    },
  }
}

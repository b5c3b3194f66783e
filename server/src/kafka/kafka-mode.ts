import { StreamHub } from '../edge'
import { MemoryProfileView } from '../profiles'
import { MemoryTrendingView } from '../trending'
import type { ModeContext, RunningMode } from '../mode'
import { join } from 'node:path'
import { BoundedRowView, MemoryRowView, type MaterializedRows } from '../state'
import { createKafka } from './client'
import { KafkaEventSink } from './event-sink'
import { partitionCount } from './key-partitions'
import { decodeEntry } from '../model'
import { KafkaCatalog } from './kafka-catalog'
import { RowMaterializer } from './row-materializer'
import { startStageThread, type StageCommit } from './stage-thread'
import { followTopic } from './topic-follower'
import { ensureTopics, rowsEpoch, topicsOf } from './topics'
import { KafkaSiteStore } from './kafka-site-store'
import { KafkaValidations } from './kafka-validations'
import { followModelSettings, modelSettingsOf, SiteRegistry } from '../sites'

/**
 * Kafka mode: edges append events to the events topic and materialize the rows, profiles and
 * trending topics; processors run the model's two stages (sessions, counts) as transactional
 * consumer groups, each on its own thread. `SEQUITUR_ROLE` picks which of the two this process is
 * (default both).
 */
export async function startKafka({ config, clock, metrics, log }: ModeContext): Promise<RunningMode> {
  const { kafkaBrokers = [], kafkaPrefix: prefix, role } = config
  const kafka = createKafka(kafkaBrokers, `${prefix}-${role}-${process.pid}`, log)
  const topics = topicsOf(prefix)
  const admin = kafka.admin()
  await admin.connect()
  await ensureTopics(admin, topics, {
    partitions: config.kafkaPartitions,
    rowsPartitions: config.kafkaRowsPartitions,
    windowDays: config.model.windowDays,
    retentionDays: config.logRetentionDays,
    log,
    adminOf: (broker) => createKafka([broker], `${prefix}-${role}-${process.pid}`, log).admin(),
  })
  // An existing rows topic keeps its partitions: stage 2 and the edges follow what it has.
  const rowsPartitions = await partitionCount(admin, topics.rows)
  if (rowsPartitions !== config.kafkaRowsPartitions) {
    log(`kafka: ${topics.rows} has ${rowsPartitions} partition(s), not the ${config.kafkaRowsPartitions} configured: it keeps them (a new prefix makes a new rows topic)`)
  }
  const stops: Array<() => Promise<void>> = [() => admin.disconnect()]
  const groups: Array<{ group: string; topic: string }> = []

  if (role !== 'edge') {
    // Each stage on its own thread, so that neither waits for the other's batches.
    const options = { brokers: kafkaBrokers, prefix, dataDir: config.dataDir, model: config.model, debug: config.debugStages, snapshots: config.kafkaSnapshots }
    const onCommit = ({ events, rows, late }: StageCommit) => {
      metrics.eventsOut.inc(events)
      metrics.rowsPublished.inc(rows)
      if (late > 0) metrics.lateEvents.inc(late)
    }
    // The validator too: a validation keeps its thread busy for seconds.
    const [sessions, counts, validations] = await Promise.all([
      startStageThread({ ...options, stage: 'sessions' }, onCommit, log, () => metrics.threadRestarts.inc({ thread: 'sessions-stage' })),
      startStageThread({ ...options, stage: 'counts' }, onCommit, log, () => metrics.threadRestarts.inc({ thread: 'counts-stage' })),
      startStageThread({ ...options, stage: 'validations' }, onCommit, log, () => metrics.threadRestarts.inc({ thread: 'validations' })),
    ])
    stops.unshift(() => sessions.stop(), () => counts.stop(), () => validations.stop())
    groups.push(
      { group: `${prefix}-sessions`, topic: topics.events },
      { group: `${prefix}-counts`, topic: topics.increments },
      { group: `${prefix}-validations`, topic: topics.validationParts },
    )
  }

  let edge: RunningMode['edge']
  if (role !== 'processor') {
    // The edge serves the catalog (each stage thread of a processor follows its own copy).
    const catalog = new KafkaCatalog(kafka, topics.catalog)
    await catalog.start(admin)
    stops.unshift(() => catalog.stop())
    // The rows the clients use in memory, every row in a file of this edge's (or all of them in memory).
    // The file is named by the topic's epoch: another cluster's topic of the same name starts a new one.
    const epoch = await rowsEpoch(admin, topics.rows)
    const view: MaterializedRows =
      config.edgeRowCache === 'all'
        ? new MemoryRowView()
        : new BoundedRowView({ file: join(config.dataDir, 'edge-rows', `${topics.rows}-${epoch}.db`), cacheRows: config.edgeRowCache })
    const sink = new KafkaEventSink({ kafka, topic: topics.events, partitions: await partitionCount(admin, topics.events) })
    const sites = new SiteRegistry({
      store: new KafkaSiteStore({ kafka, admin, topic: topics.sites }),
      // The operator is answered once the model's settings are in the events topic: events the site
      // sends after that answer are counted with them.
      afterChange: (site, record) => sink.changeSite({ site, settings: modelSettingsOf(record) }),
      settings: config.siteSettings,
      clock,
      // The record is gone on every node as soon as their followers read the tombstone; the catalog's
      // items get tombstones here, the model's state through `followModelSettings`. The events topic
      // drops the site's events by its retention.
      onRemoved: async (site) => {
        const items = await catalog.removeSite(site)
        log(`sequitur: removed site "${site}": ${items} catalog items`)
      },
    })
    await sites.start()
    stops.unshift(() => sites.stop())
    const hub = new StreamHub({ view, sites, clock, epoch })
    const materializer = new RowMaterializer({
      kafka,
      topic: topics.rows,
      rows: view,
      log,
      onChanges: (changes, eventTs) => {
        if (eventTs > 0) metrics.freshness.observe(Math.max(0, clock() - eventTs) / 1000)
        hub.publish(changes)
      },
    })
    stops.unshift(async () => view.close())
    await materializer.start(admin)
    // Profiles are served from this copy, so they stay up while every processor is down.
    const profiles = new MemoryProfileView()
    const profileFollower = await followTopic(kafka, admin, topics.profiles, ({ key, value }) => {
      const e = decodeEntry(key, value)
      if (e.kind === 'profile') profiles.put(e.site, e.user, e.day, e.profile)
    })
    const trending = new MemoryTrendingView(config.model)
    const trendingFollower = await followTopic(kafka, admin, topics.trending, ({ key, value }) => {
      // Cells and minutes are deleted only by the topic's retention; a site's clock is deleted (a
      // tombstone) when the site was removed.
      const e = decodeEntry(key, value)
      if (e.kind === 'clock') e.time === null ? trending.forget(e.site) : trending.putTime(e.site, e.time)
      else if (e.kind === 'take') trending.put(e.site, e.item, e.epoch, e.cell)
      else if (e.kind === 'clicks') trending.putMinute(e.site, e.item, e.minute, e.clicks)
    })
    // Each site's self-validation, as the validator wrote it; one on demand goes through the events topic.
    const validation = new KafkaValidations((site) => sink.requestValidation(site))
    await validation.start(kafka, admin, topics.validations)
    metrics.collectValidation(() => validation.validatedFigures())
    // Each follower waits out its fetch when it stops: side by side, they wait once.
    stops.unshift(
      async () => void (await Promise.all([materializer.stop(), profileFollower.stop(), trendingFollower.stop(), validation.stop()])),
      () => sink.close(),
    )
    edge = { sink, view, hub, catalog, profiles, trending, validation, sites }
    // The model follows each site's window and top k, and forgets a removed site: the change goes to
    // the events topic, in order with the site's events. Every edge sends it (stage 1 applies a repeat
    // as a no-op), and sends every site's settings when it starts, so a change an edge crashed before
    // sending still arrives.
    const unfollow = followModelSettings(sites, (site, settings) => {
      sink.changeSite({ site, settings }).catch((error: unknown) => log(`kafka: site ${JSON.stringify(site)}: settings not sent: ${String(error)}`))
    })
    stops.unshift(async () => unfollow())
  }

  metrics.collectLag(async () => {
    const out: Array<{ group: string; topic: string; partition: number; lag: number }> = []
    for (const { group, topic } of groups) {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })])
      for (const { partition, high } of ends) {
        const at = Number(committed[0]?.partitions.find((p) => p.partition === partition)?.offset ?? -1)
        out.push({ group, topic, partition, lag: Number(high) - Math.max(0, at) })
      }
    }
    return out
  })

  return {
    edge,
    async close() {
      for (const stop of stops) await stop().catch((error: unknown) => log(`kafka: stopping: ${String(error)}`))
    },
  }
}

import { StreamHub } from '../edge/stream-hub'
import type { DailyProfile } from '../profiles/daily-profile'
import { MemoryProfileView } from '../profiles/memory-profile-view'
import { MemoryTrendingView } from '../trending/memory-trending-view'
import type { Cell } from '../trending/take-rates'
import type { ModeContext, RunningMode } from '../mode'
import { MemoryRowView } from '../state/memory-row-view'
import { createKafka } from './client'
import { KafkaEventSink } from './event-sink'
import { partitionCount } from './key-partitions'
import { KafkaCatalog } from './kafka-catalog'
import { RowMaterializer } from './row-materializer'
import { startStageThread, type StageCommit } from './stage-thread'
import { followTopic } from './topic-follower'
import { ensureTopics, topicsOf } from './topics'

/**
 * Kafka mode: edges append events to the events topic and materialize the rows topic; processors run
 * the two transactional stages (sessionizer, aggregator) as consumer groups, each on its own thread. `SEQUITUR_ROLE` picks
 * which of the two this process is (default both).
 */
export async function startKafka({ config, clock, metrics, log }: ModeContext): Promise<RunningMode> {
  const { kafkaBrokers = [], kafkaPrefix: prefix, role } = config
  const kafka = createKafka(kafkaBrokers, `${prefix}-${role}-${process.pid}`, log)
  const topics = topicsOf(prefix)
  const admin = kafka.admin()
  await admin.connect()
  await ensureTopics(admin, topics, config.kafkaPartitions, config.windowDays)
  const stops: Array<() => Promise<void>> = [() => admin.disconnect()]
  const groups: Array<{ group: string; topic: string }> = []

  if (role !== 'edge') {
    // Each stage on its own thread, so that neither waits for the other's batches.
    const options = { brokers: kafkaBrokers, prefix, dataDir: config.dataDir, windowDays: config.windowDays, topK: config.topK, trending: config.trending }
    const onCommit = ({ events, rows, late }: StageCommit) => {
      metrics.eventsOut.inc(events)
      metrics.rowsPublished.inc(rows)
      if (late > 0) metrics.lateEvents.inc(late)
    }
    const [sessionizer, aggregator] = await Promise.all([
      startStageThread({ ...options, stage: 'sessionizer' }, onCommit, log),
      startStageThread({ ...options, stage: 'aggregator' }, onCommit, log),
    ])
    stops.unshift(() => sessionizer.stop(), () => aggregator.stop())
    groups.push({ group: `${prefix}-sessionizer`, topic: topics.events }, { group: `${prefix}-aggregator`, topic: topics.increments })
  }

  let edge: RunningMode['edge']
  if (role !== 'processor') {
    // The edge serves the catalog (each stage thread of a processor follows its own copy).
    const catalog = new KafkaCatalog(kafka, topics.catalog)
    await catalog.start(admin)
    stops.unshift(() => catalog.stop())
    const sink = new KafkaEventSink({ kafka, topic: topics.events, partitions: await partitionCount(admin, topics.events) })
    const view = new MemoryRowView()
    const hub = new StreamHub({ view, sites: new Set(config.sites) })
    const materializer = new RowMaterializer({
      kafka,
      topic: topics.rows,
      view,
      onChanges: (changes, eventTs) => {
        if (eventTs > 0) metrics.freshness.observe(Math.max(0, clock() - eventTs) / 1000)
        hub.publish(changes)
      },
    })
    await materializer.start(admin)
    // Profiles are served from this copy, so they stay up while every processor is down.
    const profiles = new MemoryProfileView()
    const profileFollower = await followTopic(kafka, admin, topics.profiles, ({ key, value }) => {
      const [site, user, day] = key.split('\0')
      if (site && user !== undefined && day !== undefined) {
        profiles.put(site, user, Number(day), value ? (JSON.parse(value.toString()) as DailyProfile) : null)
      }
    })
    const trending = new MemoryTrendingView(config.trending)
    const trendingFollower = await followTopic(kafka, admin, topics.trending, ({ key, value }) => {
      const [site, item, epoch] = key.split('\0')
      if (!site || item === undefined || epoch === undefined) return
      if (epoch.startsWith('m')) {
        if (value) trending.putMinute(site, item, Number(epoch.slice(1)), (JSON.parse(value.toString()) as { clicks: number }).clicks)
      } else trending.put(site, item, Number(epoch), value ? (JSON.parse(value.toString()) as Cell) : null)
    })
    stops.unshift(() => materializer.stop(), () => profileFollower.stop(), () => trendingFollower.stop(), () => sink.close())
    edge = { sink, view, hub, catalog, profiles, trending }
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

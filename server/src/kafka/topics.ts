import type { Admin, ITopicConfig } from 'kafkajs'
import { DAY_MS } from '../clock'

/** The topics of one Sequitur deployment. */
export interface Topics {
  /** Beacon events, keyed by site (a site's events are one ordered stream). */
  events: string
  /** Stage 1 → stage 2: row increments keyed by site and source item. */
  increments: string
  /** Stage 1 state (site clocks, sessions, the event ids seen), compacted. */
  sessionsChangelog: string
  /** Stage 2 state (count cells, profiles, trending epochs), compacted, and deleted after the window. */
  countsChangelog: string
  /** The row feed: every changed row keyed by site and item, compacted; one partition, so its offsets are the row versions. */
  rows: string
  /** The catalog: items keyed by site and id, compacted (a tombstone removes an item). */
  catalog: string
  /** Users' daily profiles keyed by site, user and day, compacted (a tombstone when past the window). */
  profiles: string
  /** Take-rate cells keyed by site, item and epoch, compacted, deleted after a day. */
  trending: string
  /** Site records keyed by site, compacted (a tombstone removes a site); one partition. */
  sites: string
}

/** The topic names under a prefix (`SEQUITUR_KAFKA_PREFIX`, default `sequitur`). */
export function topicsOf(prefix: string): Topics {
  return {
    events: `${prefix}.events`,
    increments: `${prefix}.increments`,
    sessionsChangelog: `${prefix}.sessions-changelog`,
    countsChangelog: `${prefix}.counts-changelog`,
    rows: `${prefix}.rows`,
    catalog: `${prefix}.catalog`,
    profiles: `${prefix}.profiles`,
    trending: `${prefix}.trending`,
    sites: `${prefix}.sites`,
  }
}

/** How the topics are made: partitions, the model's window, the days the events topic keeps events. */
export interface TopicSettings {
  partitions: number
  windowDays: number
  retentionDays: number
}

/** Creates the topics that do not exist yet (existing ones are left as they are). */
export async function ensureTopics(admin: Admin, topics: Topics, { partitions, windowDays, retentionDays }: TopicSettings): Promise<void> {
  const compacted = [{ name: 'cleanup.policy', value: 'compact' }]
  const wanted: ITopicConfig[] = [
    { topic: topics.events, numPartitions: partitions, configEntries: [{ name: 'retention.ms', value: String(retentionDays * DAY_MS) }] },
    { topic: topics.increments, numPartitions: partitions },
    { topic: topics.sessionsChangelog, numPartitions: partitions, configEntries: compacted },
    {
      topic: topics.countsChangelog,
      numPartitions: partitions,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact,delete' },
        { name: 'retention.ms', value: String((windowDays + 2) * DAY_MS) },
      ],
    },
    { topic: topics.rows, numPartitions: 1, configEntries: compacted },
    { topic: topics.catalog, numPartitions: 1, configEntries: compacted },
    { topic: topics.profiles, numPartitions: 1, configEntries: compacted },
    { topic: topics.sites, numPartitions: 1, configEntries: compacted },
    {
      topic: topics.trending,
      numPartitions: 1,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact,delete' },
        { name: 'retention.ms', value: String(DAY_MS) },
      ],
    },
  ]
  const existing = new Set(await admin.listTopics())
  const missing = wanted.filter((t) => !existing.has(t.topic))
  try {
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true })
  } catch (error) {
    // Another process may have created them in between; anything else is real.
    const now = new Set(await admin.listTopics())
    if (missing.some((t) => !now.has(t.topic))) throw error
  }
  // Topics another process just created may not have leaders yet: wait until every one answers.
  for (let attempt = 1; ; attempt++) {
    try {
      await Promise.all(wanted.map((t) => admin.fetchTopicOffsets(t.topic)))
      return
    } catch (error) {
      if (attempt >= 50) throw error
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

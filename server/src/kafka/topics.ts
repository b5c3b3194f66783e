import type { Admin, ITopicConfig } from 'kafkajs'
import { createHash } from 'node:crypto'
import { DAY_MS } from '../clock'

/** Segment size of the snapshot topic: a snapshot of a few hundred MB spans several, and the superseded ones are compacted away. */
const SNAPSHOT_SEGMENT_BYTES = 64 * 1024 * 1024

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
  /** Snapshots of stage 2's partition stores (a new owner loads one instead of replaying the window), compacted. */
  countsSnapshots: string
  /**
   * The row feed: every changed row keyed by site and item, compacted; partitioned by the row's key
   * (`JSON.stringify([site, item])`), a row's version is its offset + 1 in its partition.
   */
  rows: string
  /** The catalog: items keyed by site and id, compacted (a tombstone removes an item). */
  catalog: string
  /** Users' daily profiles keyed by site, user and day, compacted (a tombstone when past the window). */
  profiles: string
  /** Take-rate cells keyed by site, item and epoch, compacted, deleted after a day. */
  trending: string
  /** Site records keyed by site, compacted (a tombstone removes a site); one partition. */
  sites: string
  /** What the validator puts together (sampled sessions, rows before the day), keyed by site; kept a week. */
  validationParts: string
  /** Each site's latest self-validation keyed by site, compacted (a tombstone once it was removed); one partition. */
  validations: string
}

/** The topic names under a prefix (`SEQUITUR_KAFKA_PREFIX`, default `sequitur`). */
export function topicsOf(prefix: string): Topics {
  return {
    events: `${prefix}.events`,
    increments: `${prefix}.increments`,
    sessionsChangelog: `${prefix}.sessions-changelog`,
    countsChangelog: `${prefix}.counts-changelog`,
    countsSnapshots: `${prefix}.counts-snapshots`,
    rows: `${prefix}.rows`,
    catalog: `${prefix}.catalog`,
    profiles: `${prefix}.profiles`,
    trending: `${prefix}.trending`,
    sites: `${prefix}.sites`,
    validationParts: `${prefix}.validation-parts`,
    validations: `${prefix}.validations`,
  }
}

/** How the topics are made: partitions, the model's window, the days the events topic keeps events. */
export interface TopicSettings {
  partitions: number
  /** Partitions of the rows topic, if it is created (default `partitions`). */
  rowsPartitions?: number
  windowDays: number
  retentionDays: number
  /** Told how the topics are replicated, when it creates some. */
  log?: (line: string) => void
  /** An admin client of one broker (`host:port`): on a cluster, each broker is asked until it knows every topic. */
  adminOf?: (broker: string) => Admin
}

/** Replicas of each topic and the in-sync replicas a write needs, for a cluster of `brokers`. */
export function replicationFor(brokers: number): { replicationFactor: number; minInSync: number } {
  // Three copies survive one broker down with writes still taking two acknowledgements.
  return brokers >= 3 ? { replicationFactor: 3, minInSync: 2 } : { replicationFactor: 1, minInSync: 1 }
}

/** Creates the topics that do not exist yet (existing ones are left as they are). */
export async function ensureTopics(admin: Admin, topics: Topics, { partitions, rowsPartitions = partitions, windowDays, retentionDays, log, adminOf }: TopicSettings): Promise<void> {
  const compacted = [{ name: 'cleanup.policy', value: 'compact' }]
  const listed: ITopicConfig[] = [
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
    {
      topic: topics.countsSnapshots,
      numPartitions: partitions,
      // Small segments: compaction only cleans closed ones, so superseded snapshots go soon.
      configEntries: [...compacted, { name: 'segment.bytes', value: String(SNAPSHOT_SEGMENT_BYTES) }],
    },
    { topic: topics.rows, numPartitions: rowsPartitions, configEntries: compacted },
    { topic: topics.catalog, numPartitions: 1, configEntries: compacted },
    { topic: topics.profiles, numPartitions: 1, configEntries: compacted },
    { topic: topics.sites, numPartitions: 1, configEntries: compacted },
    { topic: topics.validationParts, numPartitions: partitions, configEntries: [{ name: 'retention.ms', value: String(7 * DAY_MS) }] },
    { topic: topics.validations, numPartitions: 1, configEntries: compacted },
    {
      topic: topics.trending,
      numPartitions: 1,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact,delete' },
        { name: 'retention.ms', value: String(DAY_MS) },
      ],
    },
  ]
  const cluster = (await admin.describeCluster()).brokers
  const brokers = cluster.length
  const { replicationFactor, minInSync } = replicationFor(brokers)
  const wanted = listed.map((t) => ({ ...t, replicationFactor, configEntries: [...(t.configEntries ?? []), { name: 'min.insync.replicas', value: String(minInSync) }] }))
  const existing = new Set(await admin.listTopics())
  const missing = wanted.filter((t) => !existing.has(t.topic))
  try {
    if (missing.length > 0) {
      log?.(`kafka: creating ${missing.length} topics with ${replicationFactor} replica(s), min.insync.replicas ${minInSync} (${brokers} broker(s))`)
      // Not kafkajs's own wait for leaders: on a cluster it fails on a broker that has not yet heard
      // of the topic (UNKNOWN_TOPIC_OR_PARTITION); the waits below retry that.
      await admin.createTopics({ topics: missing, waitForLeaders: false })
    }
  } catch (error) {
    // Another process may have created them in between; anything else is real.
    const now = new Set(await admin.listTopics())
    if (missing.some((t) => !now.has(t.topic))) throw error
  }
  // Topics another process just created may not have leaders yet: wait until every one answers.
  await untilItWorks(() => Promise.all(wanted.map((t) => admin.fetchTopicOffsets(t.topic))))
  // On a cluster each broker learns of new topics on its own, and a client asking one that has not
  // yet is refused (UNKNOWN_TOPIC_OR_PARTITION, which a consumer's subscribe does not retry).
  if (brokers < 2 || !adminOf) return
  const names = wanted.map((t) => t.topic)
  await Promise.all(
    cluster.map(async ({ host, port }) => {
      const one = adminOf(`${host}:${port}`)
      try {
        await one.connect()
        await untilItWorks(async () => {
          const { topics: known } = await one.fetchTopicMetadata({ topics: names })
          if (known.some((t) => t.partitions.some((p) => p.leader < 0))) throw new Error(`${host}:${port} has no leader for a topic yet`)
        })
      } finally {
        await one.disconnect().catch(() => {})
      }
    }),
  )
}

/** Runs `attempt` until it resolves, every 200 ms, at most 50 times. */
async function untilItWorks(attempt: () => Promise<unknown>): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      await attempt()
      return
    } catch (error) {
      if (tries >= 50) throw error
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

/**
 * The epoch of the rows topic, the same on every edge: a hash of the cluster's id and the topic's
 * name. A cursor of another cluster or topic (a new prefix after an upgrade) is not resumed; a topic
 * deleted and created again under the same name on the same cluster keeps its epoch (see the README).
 */
export async function rowsEpoch(admin: Admin, topic: string): Promise<string> {
  const { clusterId } = await admin.describeCluster()
  return createHash('sha256').update(`${clusterId}\0${topic}`).digest('base64url').slice(0, 12)
}

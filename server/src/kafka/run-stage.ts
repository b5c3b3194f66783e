import { join } from 'node:path'
import type { ModelOptions } from '../model'
import { createKafka } from './client'
import { CountTask } from './count-task'
import { KafkaCatalog } from './kafka-catalog'
import { keyPartitioner, partitionCount } from './key-partitions'
import { SessionTask } from './session-task'
import type { SnapshotPolicy } from './snapshot-policy'
import { StageRunner } from './stage-runner'
import { topicsOf } from './topics'
import { Validator } from './validator'

/** What a stage needs: plain data, since it crosses to the stage's thread. */
export interface StageThreadOptions {
  stage: 'sessions' | 'counts' | 'validations'
  brokers: readonly string[]
  prefix: string
  /** Folder of the embedded stores. */
  dataDir: string
  model: ModelOptions
  /** Trace each batch's way through its transaction (`SEQUITUR_DEBUG_STAGES`). */
  debug?: boolean
  /** When stage 2 snapshots its partition stores (`SEQUITUR_KAFKA_SNAPSHOT_MB`, `SEQUITUR_KAFKA_SNAPSHOT_MINUTES`). */
  snapshots?: SnapshotPolicy
}

/** What a stage reports after each committed batch: events in and late ones (stage 1), rows out (stage 2). */
export interface StageCommit {
  events: number
  rows: number
  late: number
}

/** Messages from a stage thread. */
export type StageMessage = ['log', string] | ['commit', StageCommit] | ['ready']

/**
 * Runs one stage of Kafka mode in this thread, wired to its topics, until the returned stop
 * function is called: stage 1 (the model's session stage) on the events topic, stage 2 (its count
 * stage) on the increments topic, or the validator on the validation-parts topic.
 */
export async function runStage(o: StageThreadOptions, report: (message: StageMessage) => void): Promise<() => Promise<void>> {
  const log = (line: string) => report(['log', line])
  const kafka = createKafka(o.brokers, `${o.prefix}-${o.stage}-${process.pid}`, log)
  const topics = topicsOf(o.prefix)
  const admin = kafka.admin()
  await admin.connect()
  const common = {
    kafka,
    // Each stage: its consumer group and transactional ids are named after it.
    groupId: `${o.prefix}-${o.stage}`,
    transactionalIdPrefix: `${o.prefix}-${o.stage}`,
    stateDir: join(o.dataDir, 'kafka-state', o.prefix),
    log,
    ...(o.debug ? { debug: (line: string) => log(`debug ${Date.now() % 100000} ${line}`) } : {}),
  }
  const stops: Array<() => Promise<void>> = []
  if (o.stage === 'validations') {
    // Not a transactional stage: its results are deterministic, so it may write one twice (validator.ts).
    const partitionOf = keyPartitioner(topics.increments, await partitionCount(admin, topics.increments))
    const validator = new Validator({
      kafka,
      groupId: common.groupId,
      input: topics.validationParts,
      output: topics.validations,
      increments: topics.increments,
      partitionOf: (site, item) => partitionOf(JSON.stringify([site, item])),
      log,
    })
    await validator.start()
    return async () => {
      await validator.stop()
      await admin.disconnect().catch(() => {})
    }
  }
  let runner: StageRunner
  if (o.stage === 'sessions') {
    const partitions = await partitionCount(admin, topics.increments)
    const partitionOf = keyPartitioner(topics.increments, partitions)
    runner = new StageRunner({
      ...common,
      input: topics.events,
      changelog: topics.sessionsChangelog,
      createTask: (partition) =>
        new SessionTask(o.model, {
          incrementsTopic: topics.increments,
          partitions,
          partition,
          partitionOf: (site, key) => partitionOf(JSON.stringify([site, key])),
          validationPartsTopic: topics.validationParts,
        }),
      onCommit: ({ records, result }) => report(['commit', { events: result.events ?? records, rows: 0, late: result.late ?? 0 }]),
    })
  } else {
    // Rows carry their items' attributes, profiles are made of them: stage 2 follows the catalog.
    const catalog = new KafkaCatalog(kafka, topics.catalog)
    await catalog.start(admin)
    stops.push(() => catalog.stop())
    // Each row to its key's partition of the rows topic, as many as that topic has.
    const rowPartitionOf = keyPartitioner(topics.rows, await partitionCount(admin, topics.rows))
    runner = new StageRunner({
      ...common,
      input: topics.increments,
      changelog: topics.countsChangelog,
      // The counts changelog is deleted after the window: one record per transaction is safe there.
      bundleChangelog: true,
      // Without snapshots, a new owner would replay the window's every transaction.
      snapshots: { topic: topics.countsSnapshots, ...(o.snapshots ? { policy: o.snapshots } : {}) },
      createTask: (partition) =>
        new CountTask(o.model, {
          partition,
          validationPartsTopic: topics.validationParts,
          rowsTopic: topics.rows,
          rowPartition: (site, item) => rowPartitionOf(JSON.stringify([site, item])),
          profilesTopic: topics.profiles,
          trendingTopic: topics.trending,
          catalog: (site, id) => catalog.get(site, id),
        }),
      onCommit: ({ result }) => report(['commit', { events: 0, rows: result.outputs.filter((r) => r.topic === topics.rows).length, late: 0 }]),
    })
  }
  await runner.start()
  return async () => {
    await runner.stop()
    for (const stop of stops) await stop()
    await admin.disconnect().catch(() => {})
  }
}

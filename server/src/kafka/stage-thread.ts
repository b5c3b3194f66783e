/**
 * One processor stage on its own thread. Both stages in one event loop made each of their Kafka
 * requests wait for the other stage's batches; on their own threads they also run side by side.
 * The module runs the stage when loaded as a worker (`startStageThread`); `runStage` is the stage
 * itself, wired as Kafka mode wires it.
 */
import { join } from 'node:path'
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads'
import { systemClock } from '../clock'
import { startTsWorker } from '../threads/ts-worker'
import type { TakeRateOptions } from '../trending/take-rates'
import { AggregatorTask } from './aggregator'
import { createKafka } from './client'
import { KafkaCatalog } from './kafka-catalog'
import { keyPartitioner, partitionCount } from './key-partitions'
import { SessionizerTask } from './sessionizer'
import { StageRunner } from './stage-runner'
import { topicsOf } from './topics'

/**
 * A stage allocates its batches' objects (decoded events, records, buffers) at a high rate, and all
 * die young. A 96 MB young generation instead of V8's default for a thread means fewer scavenges:
 * 56,464 and 57,619 events/s end to end against 49,448 with the default in back-to-back runs of the
 * Kafka suite (processor 18.1 against 19.2 µs of CPU per event; 48 MB: 54,233, 192 MB: 57,121). It
 * costs up to that much memory per stage thread.
 */
const STAGE_YOUNG_GENERATION_MB = 96

/** What a stage thread needs: plain data, since it crosses to the thread. */
export interface StageThreadOptions {
  stage: 'sessionizer' | 'aggregator'
  brokers: readonly string[]
  prefix: string
  /** Folder of the embedded stores. */
  dataDir: string
  windowDays: number
  topK: number
  trending: TakeRateOptions
}

/** What a stage reports after each committed batch: events in (stage 1), rows out and late events (stage 2). */
export interface StageCommit {
  events: number
  rows: number
  late: number
}

/** Messages from a stage thread. */
type StageMessage = ['log', string] | ['commit', StageCommit] | ['ready']

/** Runs one stage in this thread until the returned stop function is called. */
export async function runStage(o: StageThreadOptions, report: (message: StageMessage) => void): Promise<() => Promise<void>> {
  const log = (line: string) => report(['log', line])
  const kafka = createKafka(o.brokers, `${o.prefix}-${o.stage}-${process.pid}`, log)
  const topics = topicsOf(o.prefix)
  const admin = kafka.admin()
  await admin.connect()
  // Stage 1 reads items for profiles, stage 2 for the attributes rows carry.
  const catalog = new KafkaCatalog(kafka, topics.catalog)
  await catalog.start(admin)
  const item = (site: string, id: string) => catalog.get(site, id)
  const stateDir = join(o.dataDir, 'kafka-state', o.prefix)
  let late = 0
  // Each stage: its consumer group and transactional ids are named after it.
  const common = { kafka, groupId: `${o.prefix}-${o.stage}`, transactionalIdPrefix: `${o.prefix}-${o.stage}`, stateDir, log }
  let runner: StageRunner
  if (o.stage === 'sessionizer') {
    const incrementsPartition = keyPartitioner(topics.increments, await partitionCount(admin, topics.increments))
    runner = new StageRunner({
      ...common,
      input: topics.events,
      changelog: topics.sessionsChangelog,
      createTask: (partition) => new SessionizerTask(topics.increments, systemClock, partition, item, incrementsPartition),
      onCommit: ({ records, result }) => report(['commit', { events: result.events ?? records, rows: 0, late: 0 }]),
    })
  } else {
    runner = new StageRunner({
      ...common,
      input: topics.increments,
      changelog: topics.countsChangelog,
      // The counts changelog is deleted after the window: one record per transaction is safe there.
      bundleChangelog: true,
      createTask: () =>
        new AggregatorTask(
          topics.rows,
          { windowDays: o.windowDays, topK: o.topK },
          topics.profiles,
          topics.trending,
          () => late++,
          item,
          o.trending,
        ),
      onCommit: ({ result }) => {
        report(['commit', { events: 0, rows: result.outputs.length, late }])
        late = 0
      },
    })
  }
  await runner.start()
  return async () => {
    await runner.stop()
    await catalog.stop()
    await admin.disconnect().catch(() => {})
  }
}

/** A stage running on its own thread. */
export interface StageThread {
  /** Stops the stage and ends the thread. */
  stop(): Promise<void>
  /** Ends the thread at once, as a crash would (it is then started again). */
  kill(): Promise<void>
}

/**
 * Starts a stage on a worker thread; resolves once it runs. `onCommit` gets each committed batch's
 * counts, `log` its log lines. A thread that dies is started again after a second.
 */
export async function startStageThread(
  options: StageThreadOptions,
  onCommit: (commit: StageCommit) => void,
  log: (line: string) => void,
): Promise<StageThread> {
  let stopping = false
  let worker: Worker
  let running = false
  const start = () =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return resolve()
      worker = startTsWorker(import.meta.url, { stageThread: options }, { maxYoungGenerationSizeMb: STAGE_YOUNG_GENERATION_MB })
      running = true
      worker.on('message', (message: StageMessage) => {
        if (message[0] === 'log') log(message[1])
        else if (message[0] === 'commit') onCommit(message[1])
        else resolve()
      })
      worker.on('error', (error) => log(`${options.stage} thread: ${error.stack ?? String(error)}`))
      worker.once('exit', (code) => {
        running = false
        reject(new Error(`the ${options.stage} thread exited with ${code} while starting`))
        if (stopping) return
        log(`${options.stage} thread exited with ${code}; starting it again`)
        setTimeout(() => void start().catch((error: unknown) => log(String(error))), 1000)
      })
    })
  await start()
  return {
    async stop() {
      stopping = true
      // Between a death and its restart there is no thread to stop (and none is started after this).
      if (!running) return
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.postMessage('stop')
      // A stage that does not stop within the session timeout is ended.
      const timer = setTimeout(() => void worker.terminate(), 15_000)
      await exited
      clearTimeout(timer)
    },
    async kill() {
      await worker.terminate()
    },
  }
}

if (!isMainThread && (workerData as { stageThread?: StageThreadOptions } | undefined)?.stageThread) {
  const port = parentPort!
  const stop = await runStage((workerData as { stageThread: StageThreadOptions }).stageThread, (message) => port.postMessage(message))
  port.on('message', (message) => {
    if (message === 'stop') void stop().finally(() => process.exit(0))
  })
  port.postMessage(['ready'])
}

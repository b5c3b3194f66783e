import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { repoRoot } from '../src/program'

const kafkaDir = join(repoRoot, 'kafka')
const libDir = join(kafkaDir, 'lib')
const run = promisify(execFile)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** How long the controller waits for a broker's heartbeat before it fences the broker (drops it from metadata). */
export const BROKER_SESSION_MS = 3000

/** Options of `startLocalBroker`. */
export interface LocalBrokerOptions {
  /** Folder for the broker's data and `broker.log`; kept when given, else a fresh temp folder removed by `stop()`. */
  dataDir?: string
  /** Client (PLAINTEXT) port on 127.0.0.1; a free one when unset. */
  port?: number
  /** KRaft controller port on 127.0.0.1; a free one when unset. */
  controllerPort?: number
  /** Partitions of topics created without a count (`num.partitions`, default 4). */
  partitions?: number
  /** Receives progress lines (jar download, formatting, readiness); silent by default. */
  log?: (line: string) => void
  /** Milliseconds to wait for the broker to serve requests before failing (default 60 s). */
  readyTimeoutMs?: number
  /** Called when the broker exits without `stop()`, `kill()` or `restart()` asking it to. */
  onExit?: (reason: string) => void
  /** JVM heap flags (default `KAFKA_HEAP_OPTS` from the environment, else `-Xms256m -Xmx512m`). */
  heapOpts?: string[]
}

/** What makes a broker one node of a cluster (`local-cluster.ts`); a single node by default. */
export interface ClusterMembership {
  /** This node's id (KRaft `node.id`). */
  nodeId: number
  /** Every controller of the quorum, `id@127.0.0.1:port,…` (KRaft `controller.quorum.voters`). */
  voters: string
  /** The cluster id every node is formatted with. */
  clusterId: string
  /** Replicas of the internal topics and the default of new ones: 1, or 3 with `min.insync.replicas` 2. */
  replicas: number
}

/** A single-node KRaft Kafka broker running as a child `java` process. */
export interface LocalBroker {
  /** Bootstrap address for clients, `127.0.0.1:<port>`. */
  readonly brokers: string
  /** Client port. */
  readonly port: number
  /** Folder holding the broker's data, `server.properties` and `broker.log`. */
  readonly dataDir: string
  /** The broker JVM's process id while it runs. */
  readonly pid: number | undefined
  /** Stops the broker (SIGTERM, SIGKILL after 30 s) and removes a temp data folder; final. */
  stop(): Promise<void>
  /** Kills the broker with SIGKILL at once, as a crash would; `restart()` brings it back. */
  kill(): Promise<void>
  /** Stops the broker if it runs, then starts it on the same data and ports; resolves when ready. */
  restart(): Promise<void>
}

/** Starts a local broker (copying its jars with Maven on first use) and resolves when it serves requests. */
export async function startLocalBroker(options: LocalBrokerOptions & { cluster?: ClusterMembership } = {}): Promise<LocalBroker> {
  const { log = () => {}, onExit = () => {}, partitions = 4, readyTimeoutMs = 60_000 } = options
  const { heapOpts = process.env.KAFKA_HEAP_OPTS?.split(/\s+/).filter(Boolean) ?? ['-Xms256m', '-Xmx512m'] } = options
  await ensureJars(log)
  const [port = 0, controllerPort = 0] = await freePorts([options.port, options.controllerPort])
  const ownsDir = !options.dataDir
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sequitur-kafka-'))
  mkdirSync(dataDir, { recursive: true })
  const cluster = options.cluster ?? { nodeId: 1, voters: `1@127.0.0.1:${controllerPort}`, clusterId: clusterId(), replicas: 1 }
  const broker = new ChildBroker({ dataDir, ownsDir, port, controllerPort, partitions, heapOpts, readyTimeoutMs, log, onExit, ...cluster })
  try {
    await broker.start()
  } catch (error) {
    await broker.stop()
    throw error
  }
  return broker
}

interface ChildBrokerOptions extends ClusterMembership {
  dataDir: string
  ownsDir: boolean
  port: number
  controllerPort: number
  partitions: number
  heapOpts: string[]
  readyTimeoutMs: number
  log: (line: string) => void
  onExit: (reason: string) => void
}

class ChildBroker implements LocalBroker {
  readonly brokers: string
  readonly port: number
  readonly dataDir: string
  #o: ChildBrokerOptions
  #child: ChildProcess | undefined
  #exited: Promise<void> = Promise.resolve()
  #stopped = false
  #halting = false
  #queue: Promise<unknown> = Promise.resolve()
  /** Last resort when the host process exits without `stop()`: no orphan broker, no leftover temp folder. */
  get pid(): number | undefined {
    return this.#child?.pid
  }

  #killOnExit = () => {
    const child = this.#child
    if (!child?.pid) return
    child.kill('SIGKILL')
    if (!this.#o.ownsDir) return
    try {
      waitUntilDead(child.pid)
      rmSync(this.dataDir, { recursive: true, force: true })
    } catch {
      // a leftover temp folder is harmless
    }
  }

  constructor(o: ChildBrokerOptions) {
    this.#o = o
    this.port = o.port
    this.dataDir = o.dataDir
    this.brokers = `127.0.0.1:${o.port}`
  }

  stop() {
    return this.#serial(async () => {
      if (this.#stopped) return
      this.#stopped = true
      await this.#halt('SIGTERM')
      if (this.#o.ownsDir) rmSync(this.dataDir, { recursive: true, force: true })
    })
  }

  kill() {
    // Not queued behind a stop() or restart() in progress: a kill should land at once.
    return this.#halt('SIGKILL')
  }

  restart() {
    return this.#serial(async () => {
      if (this.#stopped) throw new Error('local broker: restart() after stop()')
      await this.#halt('SIGTERM')
      await this.#launch()
    })
  }

  /** Formats storage when new, spawns the broker, and waits until it answers. */
  start() {
    return this.#serial(() => this.#launch())
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn)
    this.#queue = next.catch(() => {})
    return next
  }

  async #launch() {
    const { dataDir, log } = this.#o
    const started = performance.now()
    const config = join(dataDir, 'server.properties')
    writeFileSync(config, serverProperties(this.#o))
    if (!existsSync(join(dataDir, 'logs', 'meta.properties'))) {
      log(`kafka: formatting storage in ${dataDir}`)
      const format = [...this.#jvm(), 'kafka.tools.StorageTool', 'format', '-t', this.#o.clusterId, '-c', config]
      await run('java', format).catch((error: ExecError) => {
        throw new Error(`local broker: formatting storage failed: ${output(error)}`)
      })
    }
    const logFile = join(dataDir, 'broker.log')
    const fd = openSync(logFile, 'a')
    const child = spawn('java', [...this.#jvm(), 'kafka.Kafka', config], { stdio: ['ignore', fd, fd] })
    closeSync(fd)
    this.#child = child
    process.on('exit', this.#killOnExit)
    let exitCode: number | string | undefined
    let ready = false
    this.#exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        exitCode ??= code ?? signal ?? 'unknown'
        process.off('exit', this.#killOnExit)
        if (this.#child === child) this.#child = undefined
        if (!this.#halting && ready) this.#o.onExit(`broker exited (${exitCode}), see ${logFile}`)
        resolve()
      }
      child.once('exit', done)
      child.once('error', (error) => {
        exitCode = error.message
        done(null, null)
      })
    })
    const exitedEarly = () => (exitCode === undefined ? undefined : `exited (${exitCode})`)
    await waitUntilReady(this.brokers, this.#o.readyTimeoutMs, exitedEarly).catch(async (error: Error) => {
      await this.#halt('SIGKILL')
      throw new Error(`local broker: ${error.message}; last lines of ${logFile}:\n${tail(logFile)}`)
    })
    ready = true
    log(`kafka: ready on ${this.brokers} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }

  /** Signals the broker (escalating to SIGKILL after 30 s) and waits for it to exit. */
  async #halt(signal: NodeJS.Signals) {
    const child = this.#child
    if (!child) return
    this.#halting = true
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await this.#exited
    clearTimeout(timer)
    this.#halting = false
  }

  #jvm() {
    const { heapOpts, dataDir } = this.#o
    const log4j = `file:${join(kafkaDir, 'log4j.properties')}`
    const gc = ['-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35']
    const props = ['-Djava.awt.headless=true', `-Dlog4j.configuration=${log4j}`, `-Dkafka.logs.dir=${dataDir}`]
    return [...heapOpts, ...gc, ...props, '-cp', join(libDir, '*')]
  }
}

/** `server.properties` of a fast broker and controller on 127.0.0.1: a single node, or one of a cluster. */
function serverProperties(o: ChildBrokerOptions): string {
  const minInSync = o.replicas >= 3 ? 2 : 1
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': o.nodeId,
    'controller.quorum.voters': o.voters,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': join(o.dataDir, 'logs'),
    'num.partitions': o.partitions,
    'default.replication.factor': o.replicas,
    'min.insync.replicas': minInSync,
    'offsets.topic.replication.factor': o.replicas,
    // Fewer internal partitions than the default 50: the first group or transaction starts faster.
    'offsets.topic.num.partitions': 8,
    'transaction.state.log.replication.factor': o.replicas,
    'transaction.state.log.min.isr': minInSync,
    'transaction.state.log.num.partitions': 8,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'false',
    // Compaction tests should not wait 15 s between cleaner passes; 128 MB of dedupe buffer is too much for a 512 MB heap.
    'log.cleaner.backoff.ms': 500,
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
    // After a crash the controller refuses the broker's new registration until the old session expires (default 9 s).
    'broker.session.timeout.ms': BROKER_SESSION_MS,
    'broker.heartbeat.interval.ms': 500,
    // Abort a crashed client's timed-out transaction within a second, not ten.
    'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000,
    'num.network.threads': 2,
    'num.io.threads': 4,
  }
  return Object.entries(settings).map(([k, v]) => `${k}=${String(v).replaceAll('\\', '\\\\')}\n`).join('')
}

/** Polls the broker's metadata until it lists a live broker, the process exits, or time runs out. */
async function waitUntilReady(brokers: string, timeoutMs: number, exited: () => string | undefined) {
  const kafka = new Kafka({
    clientId: 'local-broker-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  })
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const admin = kafka.admin()
    try {
      await admin.connect()
      if ((await admin.describeCluster()).brokers.length > 0) return
    } catch {
      // not listening yet, or still fenced
    } finally {
      await admin.disconnect().catch(() => {})
    }
    const gone = exited()
    if (gone) throw new Error(`broker ${gone} before it was ready`)
    if (performance.now() > deadline) throw new Error(`broker not ready on ${brokers} after ${timeoutMs / 1000} s`)
    await sleep(250)
  }
}

/** Copies the broker's jars into kafka/lib with Maven once per version of kafka/pom.xml, one process at a time. */
export async function ensureJars(log: (line: string) => void = () => {}): Promise<void> {
  const pom = join(kafkaDir, 'pom.xml')
  const want = createHash('sha256').update(readFileSync(pom)).digest('hex')
  const marker = join(libDir, '.complete')
  const ready = () => existsSync(marker) && readFileSync(marker, 'utf8') === want
  if (ready()) return
  const lock = join(kafkaDir, 'lib.lock')
  while (!tryLock(lock)) {
    await sleep(500)
    if (ready()) return
  }
  try {
    if (ready()) return
    if (existsSync(marker)) rmSync(libDir, { recursive: true, force: true })
    log('kafka: copying the broker jars into kafka/lib with Maven (the first run downloads about 50 MB)')
    const mvn = ['-q', '-B', '-f', pom, 'dependency:copy-dependencies']
    await run('mvn', mvn, { maxBuffer: 16 << 20, timeout: 10 * 60_000 }).catch((error: ExecError) => {
      const hint = 'it needs Maven and Java 17, see scripts/ensure-java.sh'
      throw new Error(`local broker: \`mvn ${mvn.join(' ')}\` failed (${hint}):\n${output(error)}`)
    })
    writeFileSync(marker, want)
  } finally {
    rmSync(lock, { force: true })
  }
}

/** Takes the lock file, or removes it when the process that holds it is gone. */
function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' })
    return true
  } catch {
    try {
      const holder = Number(readFileSync(lock, 'utf8'))
      const stale = holder > 0 ? !isAlive(holder) : Date.now() - statSync(lock).mtimeMs > 10_000
      if (stale) rmSync(lock, { force: true })
    } catch {
      // released meanwhile
    }
    return false
  }
}

/** Blocks (at most 2 s, only in an exit handler) until a killed child's threads are gone, so it cannot write any more. */
function waitUntilDead(pid: number) {
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let i = 0; i < 200; i++) {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0]
    if (state === 'Z' || state === 'X') return
    Atomics.wait(pause, 0, 0, 10)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The given ports, with each missing one replaced by a distinct free port on 127.0.0.1. */
export async function freePorts(wanted: (number | undefined)[]): Promise<number[]> {
  const servers: Server[] = []
  try {
    return await Promise.all(
      wanted.map(async (port) => {
        if (port) return port
        const server = createServer()
        servers.push(server)
        await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
        return (server.address() as { port: number }).port
      }),
    )
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  }
}

/** A random KRaft cluster id: 16 bytes in URL-safe base64, not starting with '-' (the CLI would read an option). */
export function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

type ExecError = Error & { stdout?: string; stderr?: string }

/** The last lines a failed child process printed, or its error message. */
function output(error: ExecError): string {
  const text = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim()
  return text ? text.split('\n').slice(-30).join('\n') : error.message
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') || '(empty)'
  } catch {
    return '(no log)'
  }
}

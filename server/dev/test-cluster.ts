import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const MAIN = join(import.meta.dirname, '../src/main.ts')

/**
 * Children still running, killed when the process that spawned them exits, and the nodes' data
 * folders not removed yet (`remove`), deleted then (a restarted node finds its folder again until
 * that exit). One listener for all of them. Test runners' workers may end without that event: tests
 * remove their nodes.
 */
const running = new Set<ChildProcess>()
const dataDirs = new Set<string>()
let exitHookInstalled = false
function cleanUpOnExit(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL')
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
  })
}
function killOnExit(child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
}

/** A Sequitur server running as its own process, for integration tests of Kafka mode. */
export interface NodeProcess {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  /** Kills the process with a signal (SIGKILL: a crash) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again with the same environment and port. */
  restart(): Promise<void>
  /** Kills it (SIGKILL) and deletes its data folder: the end of its life. */
  remove(): Promise<void>
  /** Everything it printed. */
  output(): string
}

/** Starts `server/src/main.ts` (or another entry, `main`) with `env` (and extra Node flags) and resolves once it listens. */
export async function spawnNode(env: Record<string, string>, port = 0, nodeFlags: readonly string[] = [], main = MAIN): Promise<NodeProcess> {
  let child: ChildProcess
  let out = ''
  let actualPort = port
  // One data folder for the node's whole life: a restart finds its embedded stores again.
  const dataDir = mkdtempSync(join(tmpdir(), 'sequitur-node-'))
  dataDirs.add(dataDir)
  cleanUpOnExit()
  const start = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', main], {
        env: { ...process.env, SEQUITUR_DATA_DIR: dataDir, ...env, PORT: String(actualPort) },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      killOnExit(child)
      // A restart listens when this run says so, not when the output of the run before it did.
      const from = out.length
      const onData = (chunk: Buffer) => {
        out += chunk.toString()
        const match = /listening on http:\/\/localhost:(\d+)/.exec(out.slice(from))
        if (match) {
          actualPort = Number(match[1])
          resolve()
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)))
    })
  await start()
  const exited = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve())))
  const handle: NodeProcess = {
    get url() {
      return `http://127.0.0.1:${actualPort}`
    },
    get port() {
      return actualPort
    },
    async kill(signal = 'SIGTERM') {
      child.kill(signal)
      await exited()
    },
    async restart() {
      await start()
    },
    async remove() {
      child.kill('SIGKILL')
      await exited()
      rmSync(dataDir, { recursive: true, force: true })
      dataDirs.delete(dataDir)
    },
    output: () => out,
  }
  return handle
}

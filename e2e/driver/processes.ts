import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts a helper process of the harness; its output goes to the test's stderr only when SEQUITUR_E2E_VERBOSE is set. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const verbose = Boolean(process.env.SEQUITUR_E2E_VERBOSE)
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', verbose ? 'inherit' : 'ignore', verbose ? 'inherit' : 'ignore'] })
  child.on('error', () => {})
  return child
}

/** Ends a process started by the harness, by its pid: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 3_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** Waits until `probe` answers true, polling every 100 ms, or throws after `ms`. */
export async function waitFor(probe: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${what}: not ready within ${ms} ms`)
}

/** The processes below `pid` (children, theirs, …) with their command lines, from `ps`. */
export function descendants(pid: number): Array<{ pid: number; command: string }> {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [child, parent, ...command] = line.trim().split(/\s+/)
      return { pid: Number(child), parent: Number(parent), command: command.join(' ') }
    })
  const found: Array<{ pid: number; command: string }> = []
  for (let queue = [pid]; queue.length > 0; ) {
    const parent = queue.shift()!
    for (const row of rows) if (row.parent === parent) found.push({ pid: row.pid, command: row.command }), queue.push(row.pid)
  }
  return found
}

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compiled, entryModule } from '../program'

// From the sources through tsx; in the compiled program its own bundle, run by plain node.
const CHILD = fileURLToPath(entryModule(new URL('./child.ts', import.meta.url).href))

/** The server under fuzz: a child process on 127.0.0.1 with a temp data dir. */
export interface Target {
  port: number
  dataDir: string
  adminSecret: string
  operatorToken: string
  /** A site that is not open (`keyed`), created through the operator API, and its write key. */
  keyedSite: string
  keyedKey: string
  /** Set once the process exited on its own (a crash). */
  exit: { code: number | null; signal: string | null } | undefined
  /** Lines the server logged with "unexpected error". */
  unexpected: string[]
  /** The process's resident set size now, in bytes (Linux), or 0. */
  rss(): number
  /** Stops the process (SIGTERM, then SIGKILL) and removes the data dir. */
  stop(): Promise<void>
}

/** Starts the server under fuzz with `sites` (comma-separated). */
export async function startTarget(sites: string): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sequitur-fuzz-'))
  const adminSecret = `fuzz-secret-${Math.random().toString(36).slice(2)}-0123456789`
  const operatorToken = `fuzz-operator-${Math.random().toString(36).slice(2)}-0123456789`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SEQUITUR_DATA_DIR: dataDir,
    SEQUITUR_SITES: sites,
    SEQUITUR_ADMIN_SECRET: adminSecret,
    SEQUITUR_OPERATOR_TOKEN: operatorToken,
  }
  delete env['SEQUITUR_KAFKA_BROKERS'] // embedded mode
  const child: ChildProcess = spawn(process.execPath, compiled ? [CHILD] : ['--import', 'tsx', CHILD], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const target: Target = {
    port: 0,
    dataDir,
    adminSecret,
    operatorToken,
    keyedSite: 'keyed',
    keyedKey: '',
    exit: undefined,
    unexpected: [],
    rss: () => {
      try {
        const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]
        return Number(kb ?? 0) * 1024
      } catch {
        return 0
      }
    },
    async stop() {
      if (!target.exit) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  let stderr = ''
  child.stderr!.on('data', (data: Buffer) => {
    stderr += data.toString()
    const lines = stderr.split('\n')
    stderr = lines.pop()!
    for (const line of lines) if (line.includes('unexpected error')) target.unexpected.push(line)
  })
  child.once('exit', (code, signal) => {
    target.exit = { code, signal }
  })
  target.port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString()
      const match = /\{"port":(\d+)\}/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`the server under fuzz exited (${code}) before listening: ${stderr}`)))
  })
  const created = await fetch(`http://127.0.0.1:${target.port}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site: target.keyedSite }),
  })
  if (created.status !== 201) throw new Error(`creating the keyed site: ${created.status} ${await created.text()}`)
  target.keyedKey = ((await created.json()) as { key: string }).key
  return target
}

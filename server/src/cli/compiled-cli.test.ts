import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../program'

// The compiled program as users run it: built by server/build.mjs, started by plain node through the
// package's bin, with no loader (NODE_OPTIONS cleared). Plain node cannot load a `.ts` file, so
// anything of the program that still needed tsx fails here.
const bin = join(repoRoot, 'server/bin/sequitur.js')
const dist = join(repoRoot, 'server/dist')
const fixtures = join(repoRoot, 'server/fixtures/eval')
const env = (): NodeJS.ProcessEnv => {
  const clean: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' }
  for (const name of Object.keys(clean)) if (name === 'PORT' || name.startsWith('SEQUITUR_')) delete clean[name]
  return clean
}

interface Ran {
  code: number | null
  out: string
  err: string
}

/** Runs `sequitur <args>` to its end. */
function sequitur(...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: env(), timeout: 60_000 }, (error, out, err) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err }),
    )
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })
}

beforeAll(() => {
  execFileSync(process.execPath, [join(repoRoot, 'server/build.mjs')], { stdio: 'pipe' })
}, 120_000)

describe('the compiled program', () => {
  it('imports nothing of tsx and has a bundle for every thread or child entry the sources start', () => {
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'))
    for (const file of files) expect(readFileSync(join(dist, file), 'utf8'), file).not.toMatch(/(from|import\()\s*["']tsx/)
    // Every `import.meta.resolve('./x.ts')` / `new URL('./x.ts', ...)` of the sources names a module a
    // thread or a child process runs: the build must have written x.js beside the CLI.
    const entries = new Set<string>()
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/(?:import\.meta\.resolve\(|new URL\()'\.\/([\w-]+)\.ts'/g)) entries.add(m[1]!)
        }
      }
    }
    walk(join(repoRoot, 'server/src'))
    expect([...entries].sort()).toEqual(['child', 'log-writer', 'plan-writer-thread', 'stage-thread-entry'])
    for (const name of entries) expect(existsSync(join(dist, `${name}.js`)), `${name}.js`).toBe(true)
  })

  it('lists its commands with --help and exits 0', async () => {
    const help = await sequitur('--help')
    expect(help.code).toBe(0)
    for (const command of ['start', 'sites', 'bootstrap', 'eval', 'fuzz', 'kafka']) expect(help.out).toMatch(new RegExp(`^  ${command} `, 'm'))
    expect(await sequitur('--version')).toMatchObject({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) })
  })

  it('explains each command with --help', async () => {
    for (const command of ['start', 'sites', 'bootstrap', 'eval', 'fuzz', 'kafka']) {
      const help = await sequitur(command, '--help')
      expect(help, command).toMatchObject({ code: 0, out: expect.stringContaining(`usage: sequitur ${command}`) })
    }
    expect((await sequitur('help', 'start')).out).toContain('--data-dir DIR')
  })

  it('exits 2 with a clear message on an unknown command, option or value, and without a command', async () => {
    expect(await sequitur('nope')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "nope"') })
    expect(await sequitur('--nope')).toMatchObject({ code: 2, err: expect.stringContaining('unknown option "--nope"') })
    expect(await sequitur('start', '--nope')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--nope'") })
    expect(await sequitur('start', '--top-k', '0')).toMatchObject({ code: 2, err: expect.stringContaining('SEQUITUR_TOP_K="0" (--top-k): must be at least 1') })
    expect(await sequitur('eval', '--k', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('--k must be') })
    expect(await sequitur('fuzz', '--cases', '-3')).toMatchObject({ code: 2 })
    expect(await sequitur()).toMatchObject({ code: 2, err: expect.stringContaining('usage: sequitur <command>') })
  })

  it('evaluates offline', async () => {
    const ran = await sequitur('eval', '--train', join(fixtures, 'train.txt'), '--test', join(fixtures, 'test.txt'), '--json')
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.out)).toMatchObject({ k: 20, cases: 2, shipped: 'sequitur' })
  })

  describe('start', () => {
    let dataDir: string
    let child: ChildProcess
    let port: number
    let output = ''
    let exited: Promise<number | null>

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'sequitur-compiled-'))
      port = await freePort()
      child = spawn(process.execPath, [bin, 'start', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] })
      exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" line in 60 s:\n${output}`)), 60_000)
        const read = (chunk: Buffer) => {
          output += chunk.toString()
          if (output.includes('listening on')) {
            clearTimeout(timer)
            resolve()
          }
        }
        child.stdout!.on('data', read)
        child.stderr!.on('data', read)
        void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${output}`)))
      })
    }, 90_000)

    afterAll(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    })

    it('serves health and accepts a valid batch through its compiled log-writer and commit threads', async () => {
      const base = `http://127.0.0.1:${port}`
      expect(output).toContain(`embedded mode, data in ${dataDir}`)
      expect((await fetch(`${base}/healthz`)).status).toBe(200)
      const now = Date.now()
      const events = ['P1', 'P2'].map((item, i) => ({ id: `compiled-${i}`, type: 'click', item, session: 's-compiled', ts: now + i }))
      const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
      expect(res.status).toBe(202)
      expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 })
      // The processor counted them: P1's row names P2.
      await expect
        .poll(async () => ((await (await fetch(`${base}/v1/rows?site=demo&items=P1`)).json()) as { rows: Record<string, { next: unknown[] }> }).rows.P1?.next, { timeout: 10_000 })
        .toEqual([['P2', 1]])
    })

    it('is reached by the other commands: sites through the data dir, bootstrap through --url', async () => {
      const listed = await sequitur('sites', 'list', '--url', `http://127.0.0.1:${port}`, '--data-dir', dataDir)
      expect(listed).toMatchObject({ code: 0, out: expect.stringMatching(/^site\s+open/) })
      const loaded = await sequitur('bootstrap', '--input', join(fixtures, 'clicks.tsv'), '--site', 'demo', '--url', `http://127.0.0.1:${port}`)
      expect(loaded).toMatchObject({ code: 0, out: expect.stringMatching(/^bootstrap: \d+ events in .* accepted/) })
      expect(await sequitur('sites', 'list', '--url', `http://127.0.0.1:${port}`, '--token', 'wrong-token')).toMatchObject({ code: 1 })
    })

    it('stops cleanly on SIGTERM and exits 0', async () => {
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(output).toContain('SIGTERM, stopping')
    })
  })
})

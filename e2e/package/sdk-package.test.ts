import { chromium, type Browser } from '@playwright/test'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Event, RowsAnswer } from '@sequitur/sdk/protocol'
import { loadConfig } from '../../server/src/config'
import { startServer, type RunningServer } from '../../server/src/server'
import { writeOutsideApp } from './outside-app'
import { serveStatic, type StaticServer } from './static-server'

// The SDK as its users get it: built, packed by npm, installed from the tarball into a Vite app outside
// this workspace (so nothing resolves to the workspace's sources), type-checked, built, and run in Chromium
// against a real server.

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')
const viteVersion = (require('vite/package.json') as { version: string }).version

const work = mkdtempSync(join(tmpdir(), 'sequitur-pack-'))
const app = join(work, 'app')
let packed: { filename: string; files: Array<{ path: string }> }
let server: RunningServer | undefined
let site: StaticServer | undefined
let browser: Browser | undefined

/** Runs a command; on failure the error carries its output. */
async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await run(file, args, { cwd, maxBuffer: 16 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } })).stdout
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`)
  }
}

beforeAll(async () => {
  await sh('npm', ['run', 'build', '-w', '@sequitur/sdk'], root)
  const [info] = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', work], join(root, 'sdk'))) as [typeof packed]
  packed = info
  mkdirSync(app)
  writeOutsideApp(app, { tarball: join(work, packed.filename), vite: viteVersion })
  await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], app)
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
  await server?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('the packed @sequitur/sdk in an outside Vite app', () => {
  it('packs the built files, their types, the README and the LICENSE, and no sources or tests', () => {
    const files = packed.files.map((f) => f.path).sort()
    expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json'])
    expect(files.filter((f) => /(^|\/)src\/|\.test\.|\.tsbuildinfo$/.test(f))).toEqual([])
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([])
    for (const entry of ['index', 'protocol/index', 'model/index']) expect(files).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.d.ts`]))
    expect(files).toEqual(expect.arrayContaining(['dist/sdk.js', 'dist/sdk-worker.js', 'dist/loader/script-tag.d.ts']))
  })

  it('resolves to dist/ in Node and imports there without a browser', async () => {
    const script = `
      const sdk = await import('@sequitur/sdk')
      const protocol = await import('@sequitur/sdk/protocol')
      const model = await import('@sequitur/sdk/model')
      console.log(JSON.stringify({
        resolved: ['@sequitur/sdk', '@sequitur/sdk/protocol', '@sequitur/sdk/model', '@sequitur/sdk/sdk-worker.js'].map((s) => import.meta.resolve(s)),
        createSequitur: typeof sdk.createSequitur, version: protocol.PROTOCOL_VERSION, rank: typeof model.rank,
      }))`
    const out = JSON.parse(await sh(process.execPath, ['--input-type=module', '-e', script], app)) as Record<string, unknown>
    const dist = pathToFileURL(join(app, 'node_modules/@sequitur/sdk/dist/')).href
    expect(out).toEqual({
      resolved: [`${dist}index.js`, `${dist}protocol/index.js`, `${dist}model/index.js`, `${dist}sdk-worker.js`],
      createSequitur: 'function',
      version: 2,
      rank: 'function',
    })
  })

  it('type-checks with moduleResolution bundler and node16', async () => {
    await Promise.all(['tsconfig.json', 'tsconfig.node16.json'].map((config) => sh(process.execPath, [tsc, '-p', config], app)))
  })

  it('builds with Vite and re-ranks in Chromium from a real server’s rows, as the demo does', async () => {
    await sh(join(app, 'node_modules/.bin/vite'), ['build'], app)
    const assets = readdirSync(join(app, 'dist/assets'))
    // The worker is the package's own file, emitted as is.
    const worker = assets.find((name) => name.startsWith('sdk-worker'))
    expect(worker && readFileSync(join(app, 'dist/assets', worker), 'utf8')).toBe(readFileSync(join(app, 'node_modules/@sequitur/sdk/dist/sdk-worker.js'), 'utf8'))

    const dataDir = join(work, 'data')
    server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', SEQUITUR_DATA_DIR: dataDir }), { log: () => {} })
    const endpoint = `http://127.0.0.1:${server.port}`
    site = await serveStatic(join(app, 'dist'))

    // Other visitors went from A to B.
    const now = Date.now()
    const events: Event[] = ['v1', 'v2', 'v3'].flatMap((session) =>
      ['A', 'B'].map((item, i): Event => ({ id: `${session}-${i}`, type: 'click', item, session, ts: now + i })),
    )
    const posted = await fetch(`${endpoint}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
    expect(posted.status).toBe(202)
    const rowOfA = async () => ((await (await fetch(`${endpoint}/v1/rows?site=demo&items=A`)).json()) as RowsAnswer).rows.A
    await expect.poll(rowOfA).toEqual({ total: 3, next: [['B', 3]] })

    browser = await chromium.launch({
      executablePath: process.env.SEQUITUR_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    const page = await browser.newPage()
    const failures: string[] = []
    page.on('pageerror', (error) => failures.push(error.message))
    await page.goto(`${site.origin}/?endpoint=${encodeURIComponent(endpoint)}&items=C,B,D`)
    const order = () => page.locator('#list > li').allTextContents()
    await expect.poll(order).toEqual(['C', 'B', 'D'])
    // The app reads the same row through its typed helper (the protocol's types at work in the bundle).
    expect(await page.evaluate(() => window.outside.row('A'))).toEqual({ total: 3, next: [['B', 3]] })

    await page.locator('button[data-item="A"]').click()
    await expect.poll(order, { timeout: 15_000 }).toEqual(['B', 'C', 'D'])
    const ranked = await page.evaluate(() => window.outside.sequitur.rerank(['C', 'B', 'D']))
    expect(ranked[0]).toMatchObject({ item: 'B', reasons: [expect.objectContaining({ from: 'A', via: 'next' })] })
    // The click went out through the packaged worker and the server acknowledged it.
    await page.evaluate(() => window.outside.sequitur.flush())
    expect((await page.evaluate(() => window.outside.sequitur.stats()))?.acknowledged).toBe(1)
    expect(failures).toEqual([])
  })
})

declare global {
  interface Window {
    outside: {
      sequitur: import('@sequitur/sdk').Sequitur
      row(item: string): Promise<RowsAnswer['rows'][string] | undefined>
    }
  }
}

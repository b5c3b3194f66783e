import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'
import { runSitesCli } from './sites-cli'

let dir: string
let server: RunningServer
let url: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-cli-'))
  // No SEQUITUR_OPERATOR_TOKEN: the server generates one into the data dir, where the CLI finds it.
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: () => {} })
  url = `http://127.0.0.1:${server.port}`
}, 60_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

/** Runs the CLI in this process against the real server. */
async function sites(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runSitesCli(argv, { env: {}, out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) })
  return { code, out, err }
}
const conn = () => ['--url', url, '--data-dir', dir]

describe('npm run sites', () => {
  it('adds a site with its options and prints its key and secret once', async () => {
    const added = await sites('add', 'shop-a', '--origin', 'https://a.example', '--origin', 'https://www.a.example', '--events-per-second', '200', '--burst', '400', '--connections', 'unlimited', '--window-days', '30', '--top-k', '10', '--retention-days', '3', ...conn())
    expect(added.code).toBe(0)
    const record = JSON.parse(added.out) as Record<string, unknown>
    expect(record).toMatchObject({
      site: 'shop-a',
      key: expect.any(String),
      secret: expect.any(String),
      open: false,
      origins: ['https://a.example', 'https://www.a.example'],
      quota: { eventsPerSecond: 200, burst: 400, connections: null },
      settings: { windowDays: 30, topK: 10, retentionDays: 3 },
    })
    const shown = await sites('show', 'shop-a', ...conn())
    expect(shown.code).toBe(0)
    expect(shown.out).not.toContain(record.secret as string)
    expect((await sites('add', 'shop-b', '--open', ...conn())).code).toBe(0)
  })

  it('lists sites as a table, or as JSON', async () => {
    const table = await sites('list', ...conn())
    expect(table.code).toBe(0)
    const lines = table.out.trim().split('\n')
    expect(lines[0]).toMatch(/^site\s+open\s+origins\s+events\/s/)
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['demo', 'shop-a', 'shop-b'])
    expect(lines[2]).toMatch(/^shop-a\s+no\s+https:\/\/a\.example https:\/\/www\.a\.example\s+200\s+400\s+unlimited\s+30d\s+10\s+3d/)
    const json = await sites('list', '--json', ...conn())
    expect((JSON.parse(json.out) as { sites: unknown[] }).sites).toHaveLength(3)
  })

  it('sets fields, rotates the key and the secret, and removes a site', async () => {
    const set = await sites('set', 'shop-a', '--any-origin', '--closed', '--events-per-second', 'unlimited', ...conn())
    expect(JSON.parse(set.out)).toMatchObject({ origins: [], open: false, quota: { eventsPerSecond: null, burst: 400 } })
    const before = JSON.parse((await sites('show', 'shop-a', ...conn())).out) as { keys: Array<{ key: string }> }
    const rotated = JSON.parse((await sites('rotate-key', 'shop-a', '--grace-seconds', '30', ...conn())).out) as { key: string; keys: unknown[] }
    expect(rotated.keys).toEqual([{ key: rotated.key }, { key: before.keys[0]!.key, expiresAt: expect.any(Number) }])
    const secret = JSON.parse((await sites('rotate-secret', 'shop-a', ...conn())).out) as { secret: string }
    expect(secret.secret).toMatch(/^[\w-]{43}$/)
    expect(JSON.parse((await sites('remove', 'shop-a', ...conn())).out)).toEqual({ site: 'shop-a', removed: true })
    const gone = await sites('show', 'shop-a', ...conn())
    expect(gone.code).toBe(1)
    expect(gone.err).toContain('404 not_found')
  })

  it('exits 1 when the server refuses (wrong token, bad value, existing site) or cannot be reached', async () => {
    const wrong = await sites('list', '--url', url, '--token', 'not-the-operator-token')
    expect(wrong).toMatchObject({ code: 1, err: expect.stringContaining('401 unauthorized') })
    const bad = await sites('add', 'shop-c', '--window-days', '0', ...conn())
    expect(bad).toMatchObject({ code: 1, err: expect.stringContaining('windowDays') })
    expect((await sites('add', 'shop-b', ...conn())).err).toContain('409 site_exists')
    const down = await sites('list', '--url', 'http://127.0.0.1:1', '--token', 'x')
    expect(down).toMatchObject({ code: 1, err: expect.stringContaining('cannot reach') })
  })

  it('exits 2 on wrong usage and prints help', async () => {
    for (const argv of [['frobnicate'], ['add'], ['add', 'x', '--burst', 'many'], ['list', '--burst', '3'], ['show', 'a', 'b'], ['add', 'x', '--nope'], ['set', 'x', '--open', '--closed']]) {
      expect((await sites(...argv, ...conn())).code, argv.join(' ')).toBe(2)
    }
    const help = await sites('--help')
    expect(help).toMatchObject({ code: 0, out: expect.stringContaining('rotate-key SITE') })
    expect((await sites('add', '--help')).out).toContain('--events-per-second N')
    expect((await sites('list', '--data-dir', join(dir, 'none'))).code).toBe(2)
  })

  it('runs as `npm run sites` in a process of its own', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url))
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile('npm', ['run', '--silent', 'sites', '--', ...args], { cwd: root, env: { ...process.env, SEQUITUR_OPERATOR_TOKEN: '' } }, (error, out) =>
          resolve({ code: error ? (error.code as number) : 0, out }),
        )
      })
    const listed = await run(['list', ...conn()])
    expect(listed.code).toBe(0)
    expect(listed.out).toMatch(/^site\s+open/)
    expect((await run(['list', '--url', url, '--token', 'wrong'])).code).toBe(1)
    expect((await run(['nope'])).code).toBe(2)
  }, 60_000)
})

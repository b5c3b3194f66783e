import type { ModelRow, RowsAnswer } from '@sequitur/sdk/protocol'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'
import { bootstrap, toEvent } from './bootstrap'
import { buildModel } from './offline-model'
import { clicksInTimeOrder, readClickLog } from './sessions'

/** The real rsc15-100k files next to the repository when present, else the sample kept in the repository. */
const SHARED = join(import.meta.dirname, '../../../../shared/data/rsc15-100k')
const DATA = existsSync(join(SHARED, 'train.tsv')) ? SHARED : join(import.meta.dirname, '../../fixtures/rsc15-sample')
const TRAIN = join(DATA, 'train.tsv')
const TEST = join(DATA, 'test.tsv')
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').length - 1

let dir: string
let server: RunningServer
let url: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-bootstrap-'))
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: () => {} })
  url = `http://127.0.0.1:${server.port}`
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

async function rowsOf(items: string[]): Promise<Record<string, ModelRow>> {
  const out: Record<string, ModelRow> = {}
  for (let i = 0; i < items.length; i += 200) {
    const res = await fetch(`${url}/v1/rows?site=demo&include=related&items=${items.slice(i, i + 200).join(',')}`)
    Object.assign(out, ((await res.json()) as RowsAnswer).rows)
  }
  return out
}

// 100,000 events through the real server: seconds alone, a minute on a loaded machine.
describe('bootstrap', { timeout: 180_000 }, () => {
  it('loads history so that replaying the next day live gives the rows of an offline build over both', async () => {
    const loaded = await bootstrap({ inputs: [TRAIN], site: 'demo', url })
    expect(loaded).toMatchObject({ events: lines(TRAIN), accepted: lines(TRAIN), duplicates: 0 })

    // The test day arrives live, through the public API, in event time.
    const test = clicksInTimeOrder(readClickLog(TEST).sessions).map((c, i) => toEvent(c, `live-${i}`))
    for (let i = 0; i < test.length; i += 500) {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: 'demo', events: test.slice(i, i + 500) }),
      })
      expect(res.status).toBe(202)
    }

    const sessions = [...readClickLog(TRAIN).sessions, ...readClickLog(TEST).sessions]
    const offline = buildModel(sessions, { windowDays: 60, topK: 20 })
    const items = [...new Set(sessions.flatMap((s) => s.items))]
    const expected: Record<string, ModelRow> = {}
    for (const item of items) {
      const row = offline.row(item)
      if (row) expected[item] = row
    }
    // Every appended event has been applied once the model version reaches the log's last position.
    const applied = async () => ((await (await fetch(`${url}/healthz`)).json()) as { version: number }).version
    await expect.poll(applied, { timeout: 10_000 }).toBe(loaded.accepted + test.length)
    const online = await rowsOf(items)
    expect(Object.keys(online).length).toBe(Object.keys(expected).length)
    expect(online).toEqual(expected)
  })

  it('counts nothing twice when run again', async () => {
    const again = await bootstrap({ inputs: [TRAIN], site: 'demo', url })
    expect(again).toMatchObject({ accepted: 0, duplicates: lines(TRAIN) })
  })
})

import { unpack } from 'msgpackr'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'
import type { StreamLimits } from './stream-limits'

let dir: string | undefined
let server: RunningServer | undefined

async function start(limits: Partial<StreamLimits>) {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-stream-limits-'))
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: () => {}, streamLimits: limits })
}
afterEach(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  server = dir = undefined
})

/** A stream client that records every message and the close. */
async function open() {
  const ws = new WebSocket(`ws://127.0.0.1:${server!.port}/v1/stream?format=json`)
  const messages: Array<{ type: string; code?: string }> = []
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  ws.on('message', (data, binary) => messages.push((binary ? unpack(data as Buffer) : JSON.parse(String(data))) as { type: string }))
  ws.on('error', () => {})
  await new Promise((resolve) => ws.once('open', resolve))
  return { ws, messages, closed }
}

const subscribe = (items: string[]) => JSON.stringify({ type: 'subscribe', site: 'demo', items })

describe('per-connection limits of /v1/stream', () => {
  it('closes a connection that sends faster than its rate allows, after an error message (1008)', async () => {
    await start({ messagesPerSecond: 5, messageBurst: 5 })
    const client = await open()
    for (let i = 0; i < 50; i++) client.ws.send(subscribe([`I${i}`]))
    const { code, reason } = await client.closed
    expect(code).toBe(1008)
    expect(reason).toMatch(/messages per second/)
    expect(client.messages.filter((m) => m.type === 'rows').length).toBeGreaterThanOrEqual(5)
    expect(client.messages.at(-1)).toMatchObject({ type: 'error', code: 'rate_limited' })
  })

  it('refuses a message over the frame size with 1009 (from the frame header, before buffering)', async () => {
    await start({ maxMessageBytes: 1024 })
    const client = await open()
    client.ws.send(subscribe(['x'.repeat(2000)]))
    expect((await client.closed).code).toBe(1009)
  })

  it('allows connectionsPerAddress open connections per address; the next gets an error and 1013', async () => {
    await start({ connectionsPerAddress: 3 })
    const first = await Promise.all([open(), open(), open()])
    const extra = await open()
    const { code, reason } = await extra.closed
    expect(code).toBe(1013)
    expect(reason).toMatch(/connections per client address/)
    expect(extra.messages).toEqual([expect.objectContaining({ type: 'error', code: 'too_many_connections' })])
    first[0]!.ws.close()
    await first[0]!.closed
    const again = await open()
    again.ws.send(subscribe(['A']))
    await expect.poll(() => again.messages.map((m) => m.type)).toEqual(['hello', 'rows'])
    for (const client of [...first, again]) client.ws.close()
  })

  it('refuses more subscribed rows than the limit with an error, keeping the connection', async () => {
    await start({})
    const client = await open()
    for (let batch = 0; batch < 10; batch++) client.ws.send(subscribe(Array.from({ length: 200 }, (_, i) => `R${batch}-${i}`)))
    client.ws.send(subscribe(['V']))
    await expect.poll(() => client.messages.at(-1)).toMatchObject({ type: 'error', code: 'too_many_subscriptions' })
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
    client.ws.close()
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { connect } from './connect'
import { expose, notifier } from './expose'
import { RemoteError } from './remote-error'

class NamedError extends Error {
  override name = 'NamedError'
}

interface Api {
  add(a: number, b: number): number
  later(value: string, ms: number): Promise<string>
  fail(): never
  failLater(): Promise<never>
  unclonable(): () => void
  emit(value: string): void
}

interface Events {
  said(value: string): void
}

const open: MessagePort[] = []

/** A page end and a worker end joined by a real `MessageChannel` (structured cloning included). */
function pair(events: Partial<Events> = {}) {
  const { port1, port2 } = new MessageChannel()
  open.push(port1, port2)
  const notify = notifier<Events>(port2)
  expose<Api>(port2, {
    add: (a, b) => a + b,
    later: (value, ms) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
    fail() {
      throw new NamedError('it broke')
    },
    failLater: () => Promise.reject(new NamedError('it broke later')),
    unclonable: () => () => {},
    emit: (value) => notify('said', value),
  })
  const client = connect<Api, Events>(port1, { said: events.said ?? (() => {}) })
  port1.start()
  port2.start()
  return { client }
}

afterEach(() => {
  for (const port of open.splice(0)) port.close()
})

describe('rpc', () => {
  it('answers synchronous and asynchronous methods', async () => {
    const { client } = pair()
    expect(await client.call('add', 2, 3)).toBe(5)
    expect(await client.call('later', 'done', 1)).toBe('done')
  })

  it('pairs each answer with its call, whatever order they finish in', async () => {
    const { client } = pair()
    const slow = client.call('later', 'slow', 20)
    const fast = client.call('later', 'fast', 1)
    const sum = client.call('add', 1, 1)
    expect(await Promise.all([slow, fast, sum])).toEqual(['slow', 'fast', 2])
  })

  it('rejects with the name and message of what the method threw or rejected with', async () => {
    const { client } = pair()
    const thrown = await client.call('fail').catch((error: unknown) => error)
    expect(thrown).toBeInstanceOf(RemoteError)
    expect(thrown).toMatchObject({ name: 'NamedError', message: 'it broke' })
    await expect(client.call('failLater')).rejects.toMatchObject({ name: 'NamedError', message: 'it broke later' })
  })

  it('rejects a call of a method the api does not have, including inherited ones', async () => {
    const { client } = pair()
    const call = client.call as (method: string) => Promise<unknown>
    await expect(call('missing')).rejects.toMatchObject({ name: 'TypeError', message: 'no method missing' })
    await expect(call('toString')).rejects.toMatchObject({ name: 'TypeError' })
  })

  it('answers a result that cannot be cloned with a failure instead of never', async () => {
    const { client } = pair()
    await expect(client.call('unclonable')).rejects.toMatchObject({ name: 'DataCloneError' })
  })

  it('rejects a call whose arguments cannot be cloned, at once', async () => {
    const { client } = pair()
    const call = client.call as (method: string, ...args: unknown[]) => Promise<unknown>
    await expect(call('add', () => 1, 2)).rejects.toMatchObject({ name: 'DataCloneError' })
    expect(await client.call('add', 1, 2)).toBe(3)
  })

  it('delivers notices to their handler', async () => {
    const said: string[] = []
    const { client } = pair({ said: (value) => said.push(value) })
    await client.call('emit', 'hello')
    expect(said).toEqual(['hello'])
  })

  it('rejects the calls still waiting when closed', async () => {
    const { client } = pair()
    const waiting = client.call('later', 'never seen', 50)
    client.close()
    await expect(waiting).rejects.toMatchObject({ name: 'ClosedError' })
  })
})

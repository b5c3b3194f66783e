import type { Event, RowsAnswer, ServerMessage } from '@sequitur/sdk/protocol'
import WebSocket from 'ws'

/** A site as the operator API created it: its name, write key and admin secret. */
export interface TestSite {
  site: string
  key: string
  secret: string
}

/** Calls of the operator API of the server at `url`. */
export function operatorApi(url: string, token: string) {
  const call = async (method: string, path: string, body?: unknown, auth = `Bearer ${token}`) => {
    const res = await fetch(`${url}/v1/admin/sites${path}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { code?: string } }
  }
  return {
    call,
    async create(body: Record<string, unknown>): Promise<TestSite & Record<string, unknown>> {
      const res = await call('POST', '', body)
      if (res.status !== 201) throw new Error(`create ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body as TestSite & Record<string, unknown>
    },
  }
}

/** `POST /v1/events` of `{site, key, events}` (key omitted when undefined), from `origin` when given. */
export function postEvents(url: string, site: string, key: string | undefined, events: Event[], origin?: string) {
  return fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify(key === undefined ? { site, events } : { site, key, events }),
  })
}

/** `GET /v1/rows` of `items` with `?key=` when given. */
export function getRows(url: string, site: string, key: string | undefined, items: string[], origin?: string) {
  const q = new URLSearchParams({ site, items: items.join(','), ...(key === undefined ? {} : { key }) })
  return fetch(`${url}/v1/rows?${q}`, origin ? { headers: { origin } } : {})
}

/** The rows the server holds for `items` of a site, read with its key. */
export async function rowsOf(url: string, site: string, key: string, items: string[]): Promise<RowsAnswer['rows']> {
  const res = await getRows(url, site, key, items)
  if (res.status !== 200) throw new Error(`rows of ${site}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as RowsAnswer).rows
}

/** A session of clicks on `items`, one event each, by `user`. */
export function clicks(session: string, items: string[], user = 'u1'): Event[] {
  return items.map((item, i) => ({ id: `${session}-${i}-${Math.random()}`, type: 'click', item, session, user, ts: Date.now() }) as Event)
}

/** A stream connection that subscribes and waits for the next message of a type. */
export async function openStream(url: string, query: string): Promise<{ send(m: unknown): void; next(type: ServerMessage['type']): Promise<ServerMessage>; close(): void }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream?format=json${query}`)
  const queue: ServerMessage[] = []
  const waiters: Array<() => void> = []
  ws.on('message', (data) => {
    queue.push(JSON.parse(String(data)) as ServerMessage)
    waiters.splice(0).forEach((w) => w())
  })
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  return {
    send: (m) => ws.send(JSON.stringify(m)),
    async next(type) {
      for (;;) {
        const i = queue.findIndex((m) => m.type === type)
        if (i >= 0) return queue.splice(i, 1)[0]!
        await new Promise<void>((resolve, reject) => {
          waiters.push(resolve)
          setTimeout(() => reject(new Error(`no ${type} message within 10 s`)), 10_000).unref()
        })
      }
    },
    close: () => ws.close(),
  }
}

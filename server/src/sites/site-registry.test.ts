import { describe, expect, it } from 'vitest'
import { openDb } from '../state'
import { ensureConfiguredSites } from './configured-sites'
import { SiteRegistry } from './site-registry'
import { SqliteSiteStore } from './sqlite-site-store'

const settings = { windowDays: 60, topK: 20, retentionDays: 7 }

async function registry(db = openDb(':memory:'), clock = { now: 1_000_000 }, onRemoved?: (site: string) => Promise<void>) {
  const r = new SiteRegistry({ store: new SqliteSiteStore(db), settings, clock: () => clock.now, ...(onRemoved ? { onRemoved } : {}) })
  await r.start()
  return r
}

describe('SiteRegistry', () => {
  it('creates a site with defaults, a key and a secret shown once, and refuses to create it twice', async () => {
    const r = await registry()
    const created = await r.create({ site: 'shop-a', origins: ['https://a.example'], quota: { eventsPerSecond: 200 }, windowDays: 30 })
    expect(created?.record).toMatchObject({
      site: 'shop-a',
      open: false,
      origins: ['https://a.example'],
      quota: { eventsPerSecond: 200, burst: 2000, connections: 5000 },
      settings: { windowDays: 30, topK: 20, retentionDays: 7 },
      keys: [{ key: created!.key }],
    })
    expect(JSON.stringify(created!.record)).not.toContain(created!.secret)
    expect(await r.verifySecret('shop-a', created!.secret)).toBe(true)
    expect(await r.verifySecret('shop-a', created!.secret)).toBe(true) // from the digest cache
    expect(await r.verifySecret('shop-a', 'wrong')).toBe(false)
    expect(await r.verifySecret('nope', created!.secret)).toBe(false)
    expect(await r.create({ site: 'shop-a' })).toBeUndefined()
  })

  it('checks keys: any for an open site, the current or a rotated one in its grace for the others', async () => {
    const clock = { now: 1_000_000 }
    const r = await registry(openDb(':memory:'), clock)
    await r.create({ site: 'open', open: true })
    const { key } = (await r.create({ site: 'closed' }))!
    expect(r.keyValid('open', undefined, clock.now)).toBe(true)
    expect(r.keyValid('closed', undefined, clock.now)).toBe(false)
    expect(r.keyValid('closed', key, clock.now)).toBe(true)
    expect(r.keyValid('missing', key, clock.now)).toBe(false)
    const rotated = (await r.rotateKey('closed', 60_000))!
    expect(r.keyValid('closed', key, clock.now + 59_999)).toBe(true)
    expect(r.keyValid('closed', key, clock.now + 60_000)).toBe(false)
    expect(r.keyValid('closed', rotated.key, clock.now + 10 ** 9)).toBe(true)
  })

  it('rotates a secret: the old one stops working at once', async () => {
    const r = await registry()
    const { secret } = (await r.create({ site: 's' }))!
    expect(await r.verifySecret('s', secret)).toBe(true)
    const rotated = (await r.rotateSecret('s'))!
    expect(await r.verifySecret('s', secret)).toBe(false)
    expect(await r.verifySecret('s', rotated.secret)).toBe(true)
  })

  it('updates, keeps records across a reopen, and removes them calling the removal hook', async () => {
    const db = openDb(':memory:')
    const removed: string[] = []
    const r = await registry(db, undefined, async (site) => void removed.push(site))
    await r.create({ site: 's', quota: { burst: 10 } })
    const updated = await r.update('s', { origins: ['https://s.example'], quota: { eventsPerSecond: null }, topK: 5, open: true })
    expect(updated).toMatchObject({ open: true, origins: ['https://s.example'], quota: { eventsPerSecond: null, burst: 10, connections: 5000 }, settings: { topK: 5 } })
    expect(await r.update('nope', {})).toBeUndefined()
    expect((await registry(db)).get('s')).toEqual(updated)
    const changes: Array<string | undefined> = []
    r.onChange((_site, record) => changes.push(record?.site))
    expect(await r.remove('s')).toBe(true)
    expect(await r.remove('s')).toBe(false)
    expect(r.has('s')).toBe(false)
    expect(changes).toEqual([undefined])
    expect(removed).toEqual(['s'])
    expect((await registry(db)).has('s')).toBe(false)
  })

  it('creates the configured sites open and unlimited; SEQUITUR_ADMIN_SECRET replaces a different demo secret', async () => {
    const db = openDb(':memory:')
    const lines: string[] = []
    const r = await registry(db)
    await ensureConfiguredSites(r, { sites: ['demo', 'other'], adminSecret: 'first-admin-secret-0', dataDir: '/nonexistent' }, (l) => lines.push(l))
    expect(r.get('demo')).toMatchObject({ open: true, quota: { eventsPerSecond: null, connections: null } })
    expect(await r.verifySecret('demo', 'first-admin-secret-0')).toBe(true)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/site "other" .*admin secret [\w-]{43} \(shown once/)
    await ensureConfiguredSites(r, { sites: ['demo', 'other'], adminSecret: 'second-admin-secret', dataDir: '/nonexistent' }, (l) => lines.push(l))
    expect(lines).toHaveLength(2)
    expect(await r.verifySecret('demo', 'second-admin-secret')).toBe(true)
    expect(await r.verifySecret('demo', 'first-admin-secret-0')).toBe(false)
  })
})

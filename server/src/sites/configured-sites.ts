import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SiteRegistry } from './site-registry'
import { UNLIMITED_QUOTA } from './site-record'

/** What the sites of the configuration are made from. */
export interface ConfiguredSites {
  /** Sites created on start when missing (`SEQUITUR_SITES`): open, unlimited quota. */
  sites: readonly string[]
  /** The `demo` site's admin secret (`SEQUITUR_ADMIN_SECRET`): applied at every start when set. */
  adminSecret: string | undefined
  /** Where an admin secret of an earlier version may be kept (`<dataDir>/admin-secret`). */
  dataDir: string
}

/**
 * Creates the configured sites that do not exist, open and unlimited, so `npm start` and existing
 * clients keep working. `demo`'s secret is `SEQUITUR_ADMIN_SECRET` when set (it replaces a different
 * one), else the `<dataDir>/admin-secret` file of an earlier version when the site is new, else
 * generated; a generated secret is announced once and kept only as a hash.
 */
export async function ensureConfiguredSites(registry: SiteRegistry, { sites, adminSecret, dataDir }: ConfiguredSites, announce: (line: string) => void): Promise<void> {
  for (const site of sites) {
    const fromEnv = site === 'demo' ? adminSecret : undefined
    const existing = registry.get(site)
    if (existing) {
      if (fromEnv && !(await registry.verifySecret(site, fromEnv))) await registry.rotateSecret(site, fromEnv)
      continue
    }
    const file = join(dataDir, 'admin-secret')
    const kept = site === 'demo' && !fromEnv && existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
    const given = fromEnv ?? kept
    const created = await registry.create({ site, open: true }, { quota: UNLIMITED_QUOTA, ...(given ? { secret: given } : {}) })
    if (!created) continue
    // Kafka mode: edges starting together may each create the site; the record read last wins everywhere.
    if (registry.get(site)?.keys[0]?.key !== created.key) {
      announce(`sequitur: site "${site}" was created by another node at the same time; its secret is that node's`)
      continue
    }
    const secret = given ? `from ${fromEnv ? 'SEQUITUR_ADMIN_SECRET' : file}` : `${created.secret} (shown once, kept only as a hash)`
    announce(`sequitur: created site "${site}" (open): write key ${created.key}, admin secret ${secret}`)
  }
}

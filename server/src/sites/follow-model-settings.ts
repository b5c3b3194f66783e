import type { SiteSettings as ModelSiteSettings } from '../model'
import type { SiteRegistry } from './site-registry'

/** The part of a site's record the model follows (null: removed). */
export const modelSettingsOf = (record: { settings: ModelSiteSettings } | undefined): ModelSiteSettings | null =>
  record ? { windowDays: record.settings.windowDays, topK: record.settings.topK } : null

/**
 * Tells the model each site's own settings (window and top k): first those of every site held now,
 * then each change of them, and `null` when a site is removed. Changes of anything else (keys,
 * origins, quotas) are not passed on. Returns a function that stops following.
 */
export function followModelSettings(sites: SiteRegistry, apply: (site: string, settings: ModelSiteSettings | null) => void): () => void {
  const told = new Map<string, string>()
  const tell = (site: string, record: { settings: ModelSiteSettings } | undefined) => {
    const settings = modelSettingsOf(record)
    const said = JSON.stringify(settings)
    if (told.get(site) === said) return
    told.set(site, said)
    apply(site, settings)
  }
  for (const record of sites.list()) tell(record.site, record)
  return sites.onChange(tell)
}

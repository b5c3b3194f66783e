import type { SiteView } from '../sites'

const limit = (n: number | null) => (n === null ? 'unlimited' : String(n))

/** The sites as a text table, one line each. */
export function siteTable(sites: readonly SiteView[]): string {
  const head = ['site', 'open', 'origins', 'events/s', 'burst', 'connections', 'window', 'top k', 'retention', 'keys']
  const rows = sites.map((s) => [
    s.site,
    s.open ? 'yes' : 'no',
    s.origins.length === 0 ? '*' : s.origins.join(' '),
    limit(s.quota.eventsPerSecond),
    String(s.quota.burst),
    limit(s.quota.connections),
    `${s.settings.windowDays}d`,
    String(s.settings.topK),
    `${s.settings.retentionDays}d`,
    String(s.keys.length),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')
}

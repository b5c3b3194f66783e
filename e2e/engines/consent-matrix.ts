import type { EngineName } from '../driver/engine'
import type { RowResult } from './fault-matrix'

/** The consent states of consent.engine.ts, in table order (their results are written as rows `consent-<id>`). */
export const CONSENT_ROWS: Array<{ id: string; title: string }> = [
  { id: 'granted', title: '`granted`: sent as usual' },
  { id: 'denied', title: '`denied`: personalized on the device, nothing about the visitor leaves it' },
  { id: 'pending-granted', title: '`pending` (a reload between), then granted: sent on grant, once' },
  { id: 'pending-denied', title: '`pending`, then denied: deleted, never sent (a reload and a later grant after)' },
]

/** The consent section of docs/fault-matrix.md, from this run's results. */
export function consentSection(results: Map<string, RowResult>, engines: EngineName[]): string[] {
  const lines = [
    '',
    '## Consent',
    '',
    'Each cell: events the page tracked → sent (reached the server), counted (by the server), duplicated;',
    'dropped: deleted by the SDK on deny (its `stats().dropped.consent`); then what the test checked.',
    '',
    `| consent | ${engines.join(' | ')} |`,
    `|---|${engines.map(() => '---').join('|')}|`,
  ]
  for (const row of CONSENT_ROWS) {
    const cells = engines.map((engine) => {
      const r = results.get(`consent-${row.id}--${engine}`)
      if (!r) return 'not run'
      const dropped = r.dropped !== undefined ? `, dropped ${r.dropped}` : ''
      return `${r.tracked} → sent ${r.sent}, counted ${r.counted}, duplicated ${r.duplicated}${dropped}${r.note ? `; ${r.note}` : ''}`
    })
    lines.push(`| ${row.title} | ${cells.join(' | ')} |`)
  }
  return lines
}

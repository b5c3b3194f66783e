import type { Validation } from '../model/validate'
import type { ModelResult } from './evaluate'

/** The evaluation summary printed with `--json`. */
export interface EvalSummary {
  k: number
  cases: number
  shipped: string
  models: Array<{ name: string; hr: number; mrr: number; auc: number; coverage: number; validation?: Validation }>
}

/** The `--json` object: fractions, not percents. */
export function summary(k: number, cases: number, shipped: string, results: readonly ModelResult[]): EvalSummary {
  const round = (x: number) => Math.round(x * 1e6) / 1e6
  return {
    k,
    cases,
    shipped,
    models: results.map((r) => ({
      name: r.name,
      hr: round(r.hr),
      mrr: round(r.mrr),
      auc: round(r.auc),
      coverage: round(r.coverage),
      ...(r.validation ? { validation: r.validation } : {}),
    })),
  }
}

/** A markdown table of the results. */
export function table(k: number, cases: number, results: readonly ModelResult[]): string {
  const pct = (x: number) => (x * 100).toFixed(2)
  const lines = [
    `| model | HR@${k} | MRR@${k} | AUC | coverage | seconds |`,
    '|---|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${pct(r.hr)} | ${pct(r.mrr)} | ${r.auc.toFixed(4)} | ${r.coverage.toFixed(3)} | ${r.seconds.toFixed(1)} |`),
  ]
  const validated = results.filter((r) => r.validation).map(({ name, validation: v }) => {
    const params = Object.entries(v!.params).map(([key, value]) => `${key} ${value}`).join(', ')
    return `${name}: self-validation on the training data's latest day (${v!.sessions} of ${v!.daySessions} sessions, ${v!.cases} cases) chose ${params}: ` +
      `${pct(v!.hr)} / ${pct(v!.mrr)} there (defaults ${pct(v!.defaults.hr)} / ${pct(v!.defaults.mrr)}).`
  })
  return `${lines.join('\n')}\n\n${cases} cases; HR and MRR in percent.${validated.map((line) => `\n${line}`).join('')}`
}

const COLORS = ['#64748b', '#0ea5e9', '#f59e0b', '#16a34a', '#db2777', '#7c3aed']

/** An HTML page with line charts of HR@k and MRR@k for k = 1..K per model. */
export function htmlReport(title: string, cases: number, results: readonly ModelResult[]): string {
  const chart = (metric: 'hrAt' | 'mrrAt', label: string) => {
    const w = 560
    const h = 320
    const pad = 44
    const k = results[0]?.[metric].length ?? 1
    const max = Math.max(0.01, ...results.flatMap((r) => r[metric]))
    const x = (i: number) => pad + (i * (w - 2 * pad)) / Math.max(1, k - 1)
    const y = (v: number) => h - pad - (v / max) * (h - 2 * pad)
    const lines = results.map((r, m) => {
      const d = r[metric].map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
      return `<path d="${d}" fill="none" stroke="${COLORS[m % COLORS.length]}" stroke-width="2"/>`
    })
    const ticks = [0, 0.25, 0.5, 0.75, 1].map(
      (t) => `<text x="${pad - 6}" y="${y(t * max) + 4}" text-anchor="end">${(t * max * 100).toFixed(0)}%</text>` +
        `<line x1="${pad}" x2="${w - pad}" y1="${y(t * max)}" y2="${y(t * max)}" stroke="#e5e7eb"/>`,
    )
    const kTicks = Array.from({ length: k }, (_, i) => i + 1)
      .filter((i) => i === 1 || i % 5 === 0)
      .map((i) => `<text x="${x(i - 1)}" y="${h - pad + 18}" text-anchor="middle">${i}</text>`)
    return `<figure><figcaption>${label}@k</figcaption><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-size="11" font-family="system-ui">${ticks.join('')}${kTicks.join('')}${lines.join('')}</svg></figure>`
  }
  const legend = results.map((r, m) => `<li><span style="background:${COLORS[m % COLORS.length]}"></span>${escape(r.name)}</li>`).join('')
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui;margin:2rem;color:#111}figure{display:inline-block;margin:0 1rem 1rem 0}
figcaption{font-weight:600}ul{list-style:none;padding:0;display:flex;gap:1rem}li span{display:inline-block;width:1rem;height:.3rem;margin-right:.4rem;vertical-align:middle}</style>
</head><body><h1>${escape(title)}</h1><p>${cases} cases. HR@k and MRR@k for k = 1…${results[0]?.hrAt.length ?? 0}.</p>
<ul>${legend}</ul>${chart('hrAt', 'HR')}${chart('mrrAt', 'MRR')}</body></html>\n`
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
}

import type { ModelAnswer } from '@sequitur/sdk/protocol'

const pct = (x: number) => `${(x * 100).toFixed(1)} %`

/** The panel's text for a `GET /v1/model` answer: the site's parameters and how well they validated. */
export function describeModel({ params, validated }: ModelAnswer): string {
  const settings = `context ${params.depth} items (decay ${params.decay}), repeat weight ${params.repeat} (fade ${params.repeatDecay}, prior ${params.repeatPrior}), second hop ${params.hop}`
  if (!validated) return `Defaults: ${settings}. Not validated yet: the site needs a finished day of events.`
  const day = new Date(validated.day * 86_400_000).toISOString().slice(0, 10)
  return `Chosen on ${day} (${validated.cases} cases): ${settings}. HR@20 ${pct(validated.hr)}, MRR@20 ${pct(validated.mrr)}; ` +
    `defaults ${pct(validated.defaults.hr)} / ${pct(validated.defaults.mrr)}.`
}

/** Shows the site's validated model (`GET /v1/model`) in `root`, now and every few minutes. */
export function showModel(root: HTMLElement, win: Window): void {
  const load = async () => {
    try {
      const res = await fetch('/v1/model?site=demo')
      root.textContent = res.ok ? describeModel((await res.json()) as ModelAnswer) : 'Not validated by this server (embedded mode runs the validation).'
    } catch {
      // A nicety: without the server the panel keeps its text.
    }
  }
  void load()
  win.setInterval(() => void load(), 300_000)
}

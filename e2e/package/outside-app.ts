import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** What the outside app is built from: the packed SDK and the Vite the demo uses. */
export interface OutsideAppOptions {
  /** Absolute path of the `npm pack`ed tarball. */
  tarball: string
  /** The exact Vite version to install (the demo's, so npm's cache has it). */
  vite: string
}

// The app a web developer would write: the list re-ranked on every change of the session's model, as the
// demo does. `?endpoint=` names the Sequitur server (another origin); the worker is the package's own
// file, which Vite emits as an asset of the app.
const MAIN_TS = `import { createSequitur, type Ranked, type Sequitur } from '@sequitur/sdk'
import type { RowsAnswer } from '@sequitur/sdk/protocol'
import workerUrl from '@sequitur/sdk/sdk-worker.js?url'

const query = new URLSearchParams(location.search)
const endpoint = query.get('endpoint') ?? location.origin
const items = (query.get('items') ?? '').split(',').filter(Boolean)
const sequitur: Sequitur = createSequitur({ site: 'demo', endpoint, workerUrl, autoCapture: false })

const list = document.querySelector<HTMLUListElement>('#list')!
const render = (order: string[]) => list.replaceChildren(...order.map((item) => Object.assign(document.createElement('li'), { textContent: item })))

async function rerank(): Promise<void> {
  const ranked: Ranked[] = await sequitur.rerank(items)
  render(ranked.map((r) => r.item))
}

/** The server's row of \`item\`, typed by the protocol. */
async function row(item: string): Promise<RowsAnswer['rows'][string] | undefined> {
  const response = await fetch(\`\${endpoint}/v1/rows?site=demo&items=\${encodeURIComponent(item)}\`)
  return ((await response.json()) as RowsAnswer).rows[item]
}

declare global {
  interface Window {
    outside: { sequitur: Sequitur; row: typeof row }
  }
}

render(items)
sequitur.onChange(() => void rerank())
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-item]')) {
  button.addEventListener('click', () => sequitur.track({ type: 'click', item: button.dataset.item! }))
}
window.outside = { sequitur, row }
`

const INDEX_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>outside app</title></head>
  <body>
    <button data-item="A">A</button>
    <ul id="list"></ul>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`

// A declaration the compiler cannot follow turns into `any` when libraries are not checked: each of these
// types reaches into the package's nested declarations, and a number must be none of them.
const RESOLVED_TS = `import type { Ranked, Sequitur, SequiturOptions } from '@sequitur/sdk'
import type { rank } from '@sequitur/sdk/model'
import type { Event, ModelAnswer, RowsAnswer } from '@sequitur/sdk/protocol'

// @ts-expect-error a number is none of them
export const none: Sequitur | Ranked | SequiturOptions | typeof rank | Event | ModelAnswer | RowsAnswer = 0
`

const compilerOptions = { target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: ['vite/client'], strict: true, noEmit: true }

/** Writes a fresh Vite app in `dir` that depends on the tarball, with a tsconfig for `bundler` and one for `node16`. */
export function writeOutsideApp(dir: string, options: OutsideAppOptions): void {
  const files: Record<string, string> = {
    'package.json': json({
      name: 'outside-app',
      private: true,
      type: 'module',
      dependencies: { '@sequitur/sdk': `file:${options.tarball}` },
      devDependencies: { vite: options.vite },
    }),
    // As Vite's templates have it: libraries' declarations unchecked.
    'tsconfig.json': json({ compilerOptions: { ...compilerOptions, module: 'ESNext', moduleResolution: 'bundler', skipLibCheck: true }, include: ['src'] }),
    // The strict end: node16 resolution, and the package's declarations checked too (TypeScript's own lib files not).
    'tsconfig.node16.json': json({
      compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16', skipLibCheck: false, skipDefaultLibCheck: true },
      include: ['src'],
    }),
    'index.html': INDEX_HTML,
    'src/main.ts': MAIN_TS,
    'src/resolved.ts': RESOLVED_TS,
    // The script tag's global, typed through the package's `./sdk.js` export.
    'src/script-tag.ts': `import type {} from '@sequitur/sdk/sdk.js'\n\nexport const fromScriptTag = () => window.sequitur?.trail()\n`,
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

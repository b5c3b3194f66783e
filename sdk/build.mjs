// Builds the script-tag loader (dist/sdk.js) and the classic worker (dist/sdk-worker.js), and prints their sizes.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
const LOADER_BUDGET = 3000

const bundles = [
  { entry: 'src/loader/script-tag.ts', out: 'dist/sdk.js', budget: LOADER_BUDGET },
  { entry: 'src/worker/main.ts', out: 'dist/sdk-worker.js' },
]

for (const { entry, out } of bundles) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(root, out),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15.4'],
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
}

for (const { out, budget } of bundles) {
  const code = readFileSync(join(root, out))
  const gzip = gzipSync(code, { level: 9 }).length
  const over = budget && gzip > budget ? `  OVER BUDGET (${budget} B)` : ''
  console.log(`${out.padEnd(20)} ${String(code.length).padStart(7)} B min  ${String(gzip).padStart(6)} B min+gzip${over}`)
}

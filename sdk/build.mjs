// Builds the script-tag loader (dist/sdk.js) and the classic worker (dist/sdk-worker.js), prints their
// sizes, and fails when either is over its budget (min+gzip, gzip level 9, as `bench/browser.bench.mts` measures).
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))

const bundles = [
  { entry: 'src/loader/script-tag.ts', out: 'dist/sdk.js', budget: 3000 },
  { entry: 'src/worker/main.ts', out: 'dist/sdk-worker.js', budget: 20000 },
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

let over = 0
for (const { out, budget } of bundles) {
  const code = readFileSync(join(root, out))
  const gzip = gzipSync(code, { level: 9 }).length
  if (gzip > budget) over++
  const verdict = gzip > budget ? `OVER BUDGET (${budget} B)` : `budget ${budget} B`
  console.log(`${out.padEnd(20)} ${String(code.length).padStart(7)} B min  ${String(gzip).padStart(6)} B min+gzip  ${verdict}`)
}
if (over > 0) {
  console.error('the SDK is over its size budget: see which modules weigh what with esbuild --metafile')
  process.exit(1)
}

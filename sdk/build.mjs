// Builds the package into dist/: the ESM library (`.`, `./protocol`, `./model`, dependencies left as imports)
// with its `.d.ts`, the script-tag loader (dist/sdk.js) and the classic worker (dist/sdk-worker.js). Prints
// the two bundles' sizes and fails when either is over its budget (min+gzip, gzip level 9, as
// `bench/browser.bench.mts` measures).
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
const dist = join(root, 'dist')
const target = ['chrome100', 'firefox100', 'safari15.4']

const bundles = [
  { entry: 'src/loader/script-tag.ts', out: 'dist/sdk.js', budget: 3000 },
  { entry: 'src/worker/main.ts', out: 'dist/sdk-worker.js', budget: 20000 },
]

// A stale file of an earlier layout must not be packed.
rmSync(dist, { recursive: true, force: true })

// The library: one file per entry point plus shared chunks; idb and valibot stay imports, so
// the consumer's bundler dedupes them.
await build({
  entryPoints: ['src/index.ts', 'src/protocol/index.ts', 'src/model/index.ts'].map((entry) => join(root, entry)),
  outbase: join(root, 'src'),
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  packages: 'external',
  target,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
})

// Their types, next to them. tsc keeps the sources' extensionless specifiers, which `node16` resolution
// refuses in an ES module: they are rewritten to the `.js` / `/index.js` the declaration stands for.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.dist.json')], { stdio: 'inherit' })
for (const file of declarations(dist)) {
  const text = readFileSync(file, 'utf8')
  const fixed = text.replace(/(from |import\()(['"])(\.{1,2}\/[^'"]*)\2/g, (_, lead, quote, specifier) => {
    const base = join(dirname(file), specifier)
    const resolved = existsSync(`${base}.d.ts`) ? `${specifier}.js` : existsSync(join(base, 'index.d.ts')) ? `${specifier}/index.js` : undefined
    if (!resolved) throw new Error(`${file}: cannot resolve ${specifier}`)
    return `${lead}${quote}${resolved}${quote}`
  })
  if (fixed !== text) writeFileSync(file, fixed)
}

for (const { entry, out } of bundles) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(root, out),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target,
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

/** Every `.d.ts` under `dir`. */
function declarations(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

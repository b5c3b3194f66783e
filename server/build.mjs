// Compiles the server into plain JavaScript in dist/: one ESM bundle per entry (the `sequitur` CLI, and
// each module a worker thread or child process runs, named like its source file so that
// `entryModule` in src/program.ts finds it), code they share in chunk-*.js. Server code and
// @sequitur/* are bundled (the sources import without extensions, which plain node cannot resolve);
// node_modules stay external and are loaded by node at run time. Each file is written to a temp name and renamed, so a process running
// from dist/ never reads a half-written file. Prints nothing on success.
import { build } from 'esbuild'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
const dependencies = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies)

const entries = {
  sequitur: 'src/cli/main.ts',
  // Worker threads (startTsWorker) and the fuzz target's child process.
  'log-writer': 'src/log/log-writer.ts',
  'plan-writer-thread': 'src/embedded/plan-writer-thread.ts',
  'stage-thread-entry': 'src/kafka/stage-thread-entry.ts',
  child: 'src/fuzz/child.ts',
}

/** @sequitur/sdk's entry points from its TypeScript sources, whatever its exports map points at (its dist/ may not be built). */
const sdkSources = {
  name: 'sdk-sources',
  setup(b) {
    b.onResolve({ filter: /^@sequitur\/sdk(\/[a-z-]+)?$/ }, ({ path }) => {
      const sub = path.slice('@sequitur/sdk'.length)
      const file = join(root, '../sdk/src', sub, 'index.ts')
      return existsSync(file) ? { path: file } : undefined
    })
  },
}

/** Leaves every package but ours to node, and fails on one the server does not depend on (it would be missing where the server is installed). */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
      if (path.startsWith('node:') || path.startsWith('@sequitur/')) return undefined
      const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]
      if (!dependencies.includes(name)) {
        return { errors: [{ text: `${relative(root, importer)} imports ${name}, which is not a dependency of @sequitur/server` }] }
      }
      return { path, external: true }
    })
  },
}

const result = await build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(root, file)])),
  outdir: join(root, 'dist'),
  // Shared code in chunks, so that each command loads only its own modules (and their packages).
  splitting: true,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  plugins: [sdkSources, externalPackages],
  define: { SEQUITUR_COMPILED: 'true' },
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
})

const dist = join(root, 'dist')
mkdirSync(dist, { recursive: true })
for (const file of result.outputFiles) {
  const temp = `${file.path}.${process.pid}.tmp`
  writeFileSync(temp, file.contents)
  renameSync(temp, file.path)
}
// Chunks of earlier builds: nothing written now imports them (a build running beside this one writes
// the same names, through temp files left alone here).
const written = new Set(result.outputFiles.map((f) => basename(f.path)))
const stale = (file) => /^chunk-\w+\.js(\.map)?$/.test(file) && !written.has(file)
for (const file of readdirSync(dist)) if (stale(file)) rmSync(join(dist, file), { force: true })

// Builds dist/index.js (ESM, React and the SDK left to the app's bundler) and its .d.ts files.
// Sources import each other with `.js` so the emitted .d.ts resolve under every `moduleResolution`.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
rmSync(join(root, 'dist'), { recursive: true, force: true })

await build({
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(root, 'dist/index.js'),
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'neutral',
  target: ['es2020'],
  jsx: 'automatic',
  sourcemap: true,
  // Hooks and context run only in the browser's React tree: frameworks with server components need the marker.
  banner: { js: "'use client';" },
  logLevel: 'warning',
})

execFileSync(process.execPath, [join(root, '../node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
console.log('react/dist: index.js, index.d.ts')

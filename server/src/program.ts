import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Set to `true` by the build (esbuild `define`); undefined when the sources run through tsx or vitest. */
declare const SEQUITUR_COMPILED: boolean | undefined

/** True in the compiled program (`server/dist/`, plain node), false when running from the TypeScript sources. */
export const compiled = typeof SEQUITUR_COMPILED === 'boolean' && SEQUITUR_COMPILED

// server/src/program.ts and server/dist/<bundle>.js sit at the same depth, so one path serves both.
/** The repository's root folder (holds `sdk/`, `demo/`, `kafka/`, `bench/`). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The module a thread or child process runs: `source` (a `.ts` file URL) from the sources; in the
 * compiled program the bundle the build wrote for it beside this one, named like the source file
 * (`server/build.mjs` lists them).
 */
export function entryModule(source: string): string {
  if (!compiled) return source
  return new URL(`./${basename(fileURLToPath(source), '.ts')}.js`, import.meta.url).href
}

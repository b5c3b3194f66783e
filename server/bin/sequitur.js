#!/usr/bin/env node
// The `sequitur` command: runs the compiled program, which `npm run build` writes to server/dist/.
import { existsSync } from 'node:fs'

const program = new URL('../dist/sequitur.js', import.meta.url)
if (!existsSync(program)) {
  console.error('sequitur: not built yet: run `npm run build` (or `npm run build -w @sequitur/server`) first')
  process.exit(1)
}
await import(program.href)

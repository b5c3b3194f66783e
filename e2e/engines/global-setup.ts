import { rmSync } from 'node:fs'
import { RESULTS_DIR, writeMatrix } from './fault-matrix'

/** Clears the previous run's row results; after the run, writes docs/fault-matrix.md. */
export default function setup(): () => void {
  rmSync(RESULTS_DIR, { recursive: true, force: true })
  return () => writeMatrix()
}

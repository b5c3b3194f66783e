import { rmSync } from 'node:fs'
import { RESULTS_DIR, writeMatrix } from './fault-matrix'

/** Clears the previous run's row results (not for the awaiting-SDK rows, added to them); after the run, writes docs/fault-matrix.md. */
export default function setup(): () => void {
  if (!process.env.SEQUITUR_AWAITING_SDK) rmSync(RESULTS_DIR, { recursive: true, force: true })
  return () => writeMatrix()
}

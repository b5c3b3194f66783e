/** The seeded fuzz suite of the HTTP and stream surfaces (`npm run fuzz`; a short run in `npm test`). */
export { runFuzz, failuresOf, type FuzzOptions, type FuzzReport, type FuzzFailure } from './runner'
export { SURFACES } from './surfaces'
export { Prng } from './prng'
export type { FuzzCase, Generator, GeneratorContext, Validity } from './fuzz-case'

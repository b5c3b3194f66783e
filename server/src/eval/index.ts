/** The offline evaluation: models, metrics, the report and the `npm run eval` command. */
export { evaluate, type EvaluateOptions, type ModelResult } from './evaluate'
export { markov, popularity, sequentialRules, shipped, SHIPPED_NAME, type ModelFactory, type ShippedOptions } from './models'

/** The model core: its rules, its two stages, its state codec. Pure: no runtime, no I/O. */
export { CountStage, type CountStageOptions, type TrendingChange } from './count-stage'
export type { Increments } from './increments'
export { Model, type ModelSetup } from './model'
export { DEFAULT_MODEL_OPTIONS, eventTime, MAX_AHEAD_MS, modelOptions, type ModelOptions } from './rules'
export { SessionStage, type Outcome } from './session-stage'
export { BACKWARD_WEIGHTS, forEachLink, FORWARD_WEIGHTS, type Kind, type SessionPoint } from './session-links'
export { decodeEntry, encodeEntry, type EncodedEntry, type StateEntry } from './state-codec'
export { rankTrending, sumRecent, MINUTE_MS, type Cell, type EpochState } from './take-rates'

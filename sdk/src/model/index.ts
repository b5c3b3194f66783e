export { rank, recommend, contextOf, candidatesOf, SCORE_DEFAULTS } from './score'
export type { Ranked, Reason, RowLookup, ScoreOptions } from './score'
export { sessionProfile, affinity } from './session-profile'
export type { SessionProfile, AttributeLookup } from './session-profile'

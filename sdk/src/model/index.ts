export { rank, recommend, contextOf, candidatesOf, SCORE_DEFAULTS } from './score'
export type { Ranked, Reason, RowLookup, ScoreOptions } from './score'

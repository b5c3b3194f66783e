export { rank, recommend, contextOf } from './score'
export type { Ranked, Reason, RowLookup, ScoreOptions } from './score'

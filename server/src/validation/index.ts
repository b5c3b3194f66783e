/** The per-site self-validation as the edge reads it. */
export type { ValidationView } from './validation-view'

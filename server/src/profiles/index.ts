/** Users' daily profiles: the read port, the edge's in-memory view, and combining days at read time. */
export { combine } from './combine'
export { attributesOf, emptyProfile, observeItem, withDicts, type DailyProfile, type Moments } from './daily-profile'
export { MemoryProfileView } from './memory-profile-view'
export type { ProfileView } from './profile-view'

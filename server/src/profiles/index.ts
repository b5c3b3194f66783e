/** Users' daily profiles: the read port, the edge's in-memory view, and combining days at read time. */
export { combine } from './combine'
export { MemoryProfileView } from './memory-profile-view'
export type { ProfileView } from './profile-view'

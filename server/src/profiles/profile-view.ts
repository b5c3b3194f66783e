import type { DailyProfile } from '../model'

/** Where an edge reads users' daily profiles from. */
export interface ProfileView {
  /** Every stored day of a user's profile, oldest first. */
  daily(site: string, user: string): Array<{ day: number; profile: DailyProfile }>
}

import type { DailyProfile } from '../model'
import type { ProfileView } from './profile-view'

/** Users' daily profiles held in memory: what a Kafka-mode edge materializes from the profiles topic. */
export class MemoryProfileView implements ProfileView {
  readonly #users = new Map<string, Map<number, DailyProfile>>()

  /** Stores (or, with `null`, forgets) one day of a user's profile. */
  put(site: string, user: string, day: number, profile: DailyProfile | null): void {
    const key = `${site}\0${user}`
    let days = this.#users.get(key)
    if (!days) this.#users.set(key, (days = new Map()))
    if (profile) days.set(day, profile)
    else days.delete(day)
    if (days.size === 0) this.#users.delete(key)
  }

  daily(site: string, user: string): Array<{ day: number; profile: DailyProfile }> {
    const days = this.#users.get(`${site}\0${user}`)
    return days ? [...days].sort((a, b) => a[0] - b[0]).map(([day, profile]) => ({ day, profile })) : []
  }
}

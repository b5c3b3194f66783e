import type { Db } from '../state/sqlite'
import type { DailyProfile } from './daily-profile'

/** Where an edge reads users' daily profiles from. */
export interface ProfileView {
  /** Every stored day of a user's profile. */
  daily(site: string, user: string): Array<{ day: number; profile: DailyProfile }>
}

/** Users' daily profiles in SQLite (embedded mode), written by the processor in its transaction. */
export class ProfileStore implements ProfileView {
  readonly #get
  readonly #all
  readonly #put
  readonly #drop

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS profiles (
      site TEXT NOT NULL, user TEXT NOT NULL, day INTEGER NOT NULL, data TEXT NOT NULL,
      PRIMARY KEY (site, user, day)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS profiles_by_day ON profiles (site, day);`)
    this.#get = db.prepare('SELECT data FROM profiles WHERE site = ? AND user = ? AND day = ?').pluck()
    this.#all = db.prepare('SELECT day, data FROM profiles WHERE site = ? AND user = ? ORDER BY day')
    this.#put = db.prepare(
      'INSERT INTO profiles (site, user, day, data) VALUES (?, ?, ?, ?) ON CONFLICT (site, user, day) DO UPDATE SET data = excluded.data',
    )
    this.#drop = db.prepare('DELETE FROM profiles WHERE site = ? AND day < ?')
  }

  /** One day of a user's profile, if stored. */
  get(site: string, user: string, day: number): DailyProfile | undefined {
    const data = this.#get.get(site, user, day) as string | undefined
    return data === undefined ? undefined : (JSON.parse(data) as DailyProfile)
  }

  /** Stores one day of a user's profile. */
  put(site: string, user: string, day: number, profile: DailyProfile): void {
    this.#put.run(site, user, day, JSON.stringify(profile))
  }

  /** Drops daily profiles older than `day` (their TTL). */
  dropBefore(site: string, day: number): void {
    this.#drop.run(site, day)
  }

  daily(site: string, user: string): Array<{ day: number; profile: DailyProfile }> {
    const rows = this.#all.all(site, user) as Array<{ day: number; data: string }>
    return rows.map(({ day, data }) => ({ day, profile: JSON.parse(data) as DailyProfile }))
  }
}

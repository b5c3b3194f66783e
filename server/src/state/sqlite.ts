import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** The SQLite handle type used by the embedded adapters. */
export type Db = Database.Database

/**
 * Opens a SQLite file for durable use: WAL with a full fsync at every commit, so a committed
 * transaction survives a crash or power loss.
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  return db
}

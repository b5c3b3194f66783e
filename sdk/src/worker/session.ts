import { SESSION_IDLE_MS } from '../shared'

/** What the worker persists about the session and the stream. */
export interface SessionMeta {
  /** The current session id. */
  session: string
  /** Time of the session's latest event (ms since the epoch). */
  lastActivity: number
  /**
   * The stream cursor held (the merged cursors received). A record from before protocol 2 has a
   * `version` instead: it is ignored, so that worker resubscribes without a cursor (full rows) once.
   */
  cursor?: string
}

/** Whether a session last active at `lastActivity` has ended by `now`. */
export function isExpired(lastActivity: number, now: number, idleMs = SESSION_IDLE_MS): boolean {
  return now - lastActivity > idleMs
}

/**
 * The session after activity at `now`: the same one, touched, unless there was none or it sat idle
 * too long, in which case a new one starts (`rotated`: the caller clears the trail).
 */
export function touchSession(
  meta: SessionMeta | undefined,
  now: number,
  newId: () => string,
  idleMs = SESSION_IDLE_MS,
): { meta: SessionMeta; rotated: boolean } {
  if (meta && !isExpired(meta.lastActivity, now, idleMs)) {
    return { meta: { ...meta, lastActivity: Math.max(meta.lastActivity, now) }, rotated: false }
  }
  return { meta: { ...meta, session: newId(), lastActivity: now }, rotated: true }
}

import type { ModelRow } from '@sequitur/sdk/protocol'
import { Model, type ModelOptions } from '../model'
import { clicksInTimeOrder, type Session } from './sessions'

const SITE = 'offline'

/** A model built offline: its rows. */
export interface OfflineModel {
  row(item: string): ModelRow | undefined
}

/** A model built offline in steps: what it has seen so far can be read between steps. */
export interface GrowingModel extends OfflineModel {
  /** Feeds more sessions (after those already fed, in event time when they carry times). */
  add(sessions: readonly Session[]): void
}

/**
 * The server's model offline, through the same core as the server's processor: in event time when
 * the sessions carry times (each click received when it happened), else session after session at time 0.
 */
export function growingModel(options: Partial<ModelOptions>): GrowingModel {
  const model = new Model(options, { trackChanges: false })
  return {
    add(sessions) {
      const timed = sessions.every((s) => s.times)
      const clicks = timed
        ? clicksInTimeOrder(sessions)
        : sessions.flatMap((s) => s.items.map((item) => ({ session: s.id, item, ts: 0 })))
      for (const { session, item, ts } of clicks) model.observe(SITE, { id: '', type: 'click', item, session, ts }, ts)
    },
    row: (item) => model.counts.rowOf(SITE, item) ?? undefined,
  }
}

/** Builds the server's model offline from sessions (see `growingModel`). */
export function buildModel(sessions: readonly Session[], options: Partial<ModelOptions>): OfflineModel {
  const model = growingModel(options)
  model.add(sessions)
  return model
}

import { dayOf } from '../clock'
import { SiteModel, type ModelOptions } from '../processor/site-model'
import { clicksInTimeOrder, type Session } from './sessions'

/**
 * Builds the server's model offline from sessions, exactly as the processor would from their events:
 * in event time when the sessions carry times, else session after session on one day.
 */
export function buildModel(sessions: readonly Session[], options: ModelOptions): SiteModel {
  const model = new SiteModel(options)
  const timed = sessions.every((s) => s.times)
  const clicks = timed
    ? clicksInTimeOrder(sessions)
    : sessions.flatMap((s) => s.items.map((item) => ({ session: s.id, item, ts: 0 })))
  for (const { session, item, ts } of clicks) {
    const day = dayOf(ts)
    model.advance(day)
    model.observe(session, item, ts, day)
  }
  return model
}

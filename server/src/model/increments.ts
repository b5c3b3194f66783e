import type { SiteSettings } from './rules'
import type { Kind } from './session-links'

/**
 * What the session stage hands the count stage: the seam where Kafka mode puts the increments topic
 * (`kafka/increments-codec.ts`) and embedded mode a direct call. Calls about one site come in the
 * order the site's events were decided.
 */
export interface Increments {
  /** The site's event time moved forward to `time` (ms): windows, sessions and trending follow it. */
  clock(site: string, time: number): void
  /** A row grows because of an event at `time`; its cells follow (`cell`). */
  row(site: string, src: string, time: number): void
  /** One cell of the row started last grows by `n`. */
  cell(kind: Kind, dst: string, day: number, n: number): void
  /** An impression (of one item) or a click from a list, in time for the take-rate join. */
  take(site: string, kind: 'impression' | 'click', item: string, list: string | undefined, time: number): void
  /** The site's settings changed, or (`null`) the site was removed: its state goes. Idempotent. */
  site(site: string, settings: SiteSettings | null): void
  /** A signed-in user interacted with `item` on `day` (inside the window). */
  profile(site: string, user: string, day: number, item: string): void
}

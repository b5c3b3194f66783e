import type { Catalog } from './catalog/catalog'
import type { Clock } from './clock'
import type { Config } from './config'
import type { StreamHub } from './edge/stream-hub'
import type { EventSink } from './log/event-log'
import type { Metrics } from './metrics'
import type { ProfileView } from './profiles/profile-view'
import type { TrendingView } from './trending/trending-view'
import type { ValidationView } from './validation'
import type { RowView } from './state/row-table'
import type { SiteRegistry } from './sites'

/** What an edge serves from: where events go and where rows come from. */
export interface EdgeParts {
  sink: EventSink
  view: RowView
  hub: StreamHub
  catalog: Catalog
  /** Users' profiles, where this mode keeps them. */
  profiles?: ProfileView
  /** Trending items, where this mode keeps them. */
  trending?: TrendingView
  /** Each site's self-validation, where this mode runs it. */
  validation?: ValidationView
  /** The registered sites (removing one also deletes its data in this mode). */
  sites: SiteRegistry
}

/** A running mode: the edge parts when this process is an edge, and how to stop. */
export interface RunningMode {
  edge: EdgeParts | undefined
  /** Stops the mode's own work (consumers, processors, files). */
  close(): Promise<void>
}

/** What a mode is started with. */
export interface ModeContext {
  config: Config
  clock: Clock
  metrics: Metrics
  log: (line: string) => void
}

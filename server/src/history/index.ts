/** Click histories: reading logs, building the model offline, loading history into a server. */
export { bootstrap, BootstrapError, toEvent, type BootstrapOptions, type BootstrapResult } from './bootstrap'
export { buildModel, growingModel, type GrowingModel, type OfflineModel } from './offline-model'
export { clicksInTimeOrder, readClickLog, readSessionLines, splitByDays, UnknownLayoutError, type Click, type Session } from './sessions'

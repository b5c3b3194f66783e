/** The event log port (sink for edges, source for the embedded processor) and its embedded adapters. */
export { LogUnavailableError, type AppendResult, type EventSink, type EventSource, type LogRecord } from './event-log'
export { SqliteLog } from './sqlite-log'
export { ThreadedLog } from './threaded-log'

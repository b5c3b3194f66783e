/** Helpers for tests of whole servers and logs (not shipped). */
export { appendSample, click, tempLogFile } from './log-sample'
export { clickSessions, ITEMS, offlineRows, postUntilAccepted, servedRows } from './traffic'
export { parse as parseRawResponse, rawExchange, type RawAnswer } from './raw-http'

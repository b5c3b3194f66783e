/** Helpers for tests of whole servers and logs (not shipped). */
export { appendSample, click, tempLogFile } from './log-sample'
export { clicks, getRows, openStream, operatorApi, postEvents, rowsOf, type TestSite } from './site-calls'
export { clickSessions, ITEMS, offlineRows, postUntilAccepted, servedRows } from './traffic'
export { expectAdminIsolation, expectEventIsolation, expectSiteCors, expectStreamIsolation } from './two-sites'
export { parse as parseRawResponse, rawExchange, type RawAnswer } from './raw-http'

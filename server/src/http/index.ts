/** The edge's HTTP API. */
export { createApp, type AppOptions } from './app'
export { decodeMsgpack, encodeMsgpack, MSGPACK } from './codec'
export { adminThrottle, type AdminThrottleOptions } from './admin-throttle'
export { eventQuotas, type AdmitEvents, type QuotaOf } from './quota'
export type { StaticDirs } from './static-routes'
export { TokenBuckets, type BucketLimit, type TakeResult, type TokenBucketsOptions } from './token-bucket'

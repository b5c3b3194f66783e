/** The edge's HTTP API. */
export { createApp, type AppOptions } from './app'
export { decodeMsgpack, encodeMsgpack, MSGPACK } from './codec'
export type { StaticDirs } from './static-routes'

/** Trending's read port and the edge's in-memory view of the trending topic. */
export { MemoryTrendingView } from './memory-trending-view'
export type { TrendingView } from './trending-view'

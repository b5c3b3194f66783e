import type { Sequitur } from '@sequitur/sdk'
import { createContext, useContext } from 'react'
import type { RankCache } from './rank-cache.js'

/** What the provider shares with the hooks under it. */
export interface SequiturContextValue {
  sequitur: Sequitur | null
  orders: RankCache | null
}

/** The provider's value; outside a provider, no instance and no remembered orders. */
export const SequiturContext = createContext<SequiturContextValue>({ sequitur: null, orders: null })

/** The Sequitur instance of the nearest provider; null on the server, before it started, or outside a provider. */
export function useSequitur(): Sequitur | null {
  return useContext(SequiturContext).sequitur
}

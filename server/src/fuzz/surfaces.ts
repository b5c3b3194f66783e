import type { Generator } from './fuzz-case'
import { adminCredentials } from './gen-admin'
import { jsonBatches, msgpackBatches } from './gen-events'
import { framing } from './gen-framing'
import { queries } from './gen-query'
import { keysAndTokens } from './gen-keys'
import { websocket } from './gen-ws'

/** Every fuzzed surface and its share of the cases. Adding a surface: one generator file, one line here. */
export const SURFACES: ReadonlyArray<{ name: string; weight: number; generate: Generator }> = [
  { name: 'json', weight: 3, generate: jsonBatches },
  { name: 'msgpack', weight: 3, generate: msgpackBatches },
  { name: 'framing', weight: 2, generate: framing },
  { name: 'query', weight: 2, generate: queries },
  { name: 'admin', weight: 1, generate: adminCredentials },
  { name: 'keys', weight: 1, generate: keysAndTokens },
  { name: 'websocket', weight: 1, generate: websocket },
]

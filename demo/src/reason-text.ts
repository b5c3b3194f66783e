import type { Reason } from './sdk-types'

/** One reason in words, e.g. "after Blue Runner: 12 of 30 next clicks". */
export function describeReason(reason: Reason, nameOf: (item: string) => string): string {
  switch (reason.via) {
    case 'repeat':
      return 'you looked at it a moment ago'
    case 'profile':
      return `fits what you are looking at (${reason.from})`
    case 'trending':
      return 'trending: other visitors often click it when shown'
    case 'related':
      return `often viewed near ${nameOf(reason.from)}`
    default: {
      const clicks = reason.total === 1 ? 'next click' : 'next clicks'
      return `after ${nameOf(reason.from)}: ${reason.count} of ${reason.total} ${clicks}`
    }
  }
}

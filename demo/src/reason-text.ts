import type { Reason } from './sdk-types'

/** One reason in words, e.g. "after Blue Runner: 12 of 30 next clicks". */
export function describeReason(reason: Reason, nameOf: (item: string) => string): string {
  const clicks = reason.total === 1 ? 'next click' : 'next clicks'
  return `after ${nameOf(reason.from)}: ${reason.count} of ${reason.total} ${clicks}`
}

import type { FieldIssue } from '@sequitur/sdk/protocol'
import * as v from 'valibot'

/** Turns valibot issues into the `details` of a `400`: which field, and why. */
export function fieldIssues(issues: readonly v.BaseIssue<unknown>[]): FieldIssue[] {
  return issues.slice(0, 20).map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }))
}

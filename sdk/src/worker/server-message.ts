import type { ModelRow, ServerMessage } from '../protocol'

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** Whether a decoded stream frame has the shape of a `ServerMessage` (rows are checked one by one with `isRow`). */
export function isServerMessage(value: unknown): value is ServerMessage {
  if (!isObject(value)) return false
  switch (value.type) {
    case 'hello':
      return typeof value.version === 'number'
    case 'rows':
      return (
        typeof value.site === 'string' &&
        typeof value.version === 'number' &&
        isObject(value.rows) &&
        (value.cursor === undefined || typeof value.cursor === 'string') &&
        (value.epoch === undefined || typeof value.epoch === 'string') &&
        (value.partition === undefined || typeof value.partition === 'number')
      )
    case 'error':
      return typeof value.code === 'string' && typeof value.error === 'string'
    default:
      return false
  }
}

const isPairs = (value: unknown): boolean =>
  Array.isArray(value) && value.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'number')

/** Whether a pushed row has the shape of a `ModelRow`, so the scorer can trust it. */
export function isRow(value: unknown): value is ModelRow {
  if (!isObject(value) || typeof value.total !== 'number' || !isPairs(value.next)) return false
  const related = value.related
  const relatedOk = related === undefined || (isObject(related) && typeof related.total === 'number' && isPairs(related.items))
  return relatedOk && (value.attrs === undefined || isObject(value.attrs))
}

/**
 * Records keyed by strings from the internet (item, session, user and list ids, attribute names):
 * without a prototype, `__proto__`, `constructor` or `toString` are keys like any other. On a plain
 * `{}`, `o['__proto__'] = x` replaces the prototype instead, and `o['constructor']` reads an
 * inherited function.
 */

/** An empty record without a prototype; it serializes (JSON, msgpack, structured clone) like `{}`. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

/** A `dict()` holding the own enumerable entries of `record` (e.g. a `JSON.parse` result). */
export function dictOf<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  // Assigning into an object without a prototype defines own properties, `__proto__` included.
  return Object.assign(dict<T>(), record)
}

/**
 * A value decoded by msgpackr with `mapsAsObjects: false`, with each `Map` turned into a `dict()`:
 * its objects decoder renames a `__proto__` key to `__proto_`, this keeps every key as sent.
 */
export function fromMaps(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromMaps(value[i])
    return value
  }
  if (!(value instanceof Map)) return value
  const out = dict<unknown>()
  for (const [key, entry] of value as Map<unknown, unknown>) {
    // As msgpackr's objects decoder: scalar keys become strings, others are refused.
    if (typeof key === 'object' && key !== null) throw new TypeError('a map key must be a string or a number')
    out[String(key)] = fromMaps(entry)
  }
  return out
}

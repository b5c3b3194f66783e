/**
 * An empty object without a prototype: keys that come from the internet (`__proto__`, `constructor`,
 * `toString`) are plain data in it. Serializes like any object.
 */
export const nullRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>

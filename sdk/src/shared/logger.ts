/** Reports an SDK failure; prints only in debug mode. */
export type Log = (message: string, error?: unknown) => void

/** The SDK's one logger: silent unless `debug`. */
export function createLog(debug: boolean): Log {
  return debug ? (...args) => console.warn('[sequitur]', ...args) : () => {}
}

import type { Sequitur } from './sdk-types'

/** The name of the window event the SDK dispatches when ready; its detail is the instance. */
export const READY_EVENT = 'sequitur:ready'

function isSequitur(value: unknown): value is Sequitur {
  const candidate = value as Partial<Record<keyof Sequitur, unknown>> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.trail === 'function' &&
    typeof candidate.recommend === 'function' &&
    typeof candidate.onChange === 'function'
  )
}

/** The SDK instance on `win.sequitur`, if it is there yet. */
export function currentSequitur(win: Window): Sequitur | undefined {
  const value: unknown = Reflect.get(win, 'sequitur')
  return isSequitur(value) ? value : undefined
}

/**
 * Calls `onReady` once with the SDK, whether its script ran before this module or runs later.
 * Returns a function that stops waiting.
 */
export function whenSequiturReady(win: Window, onReady: (sequitur: Sequitur) => void): () => void {
  const existing = currentSequitur(win)
  if (existing) {
    let cancelled = false
    queueMicrotask(() => cancelled || onReady(existing))
    return () => (cancelled = true)
  }
  const listener = (event: Event): void => {
    const detail: unknown = (event as CustomEvent<unknown>).detail
    const sequitur = isSequitur(detail) ? detail : currentSequitur(win)
    if (!sequitur) return
    win.removeEventListener(READY_EVENT, listener)
    onReady(sequitur)
  }
  win.addEventListener(READY_EVENT, listener)
  return () => win.removeEventListener(READY_EVENT, listener)
}

/** Runs an SDK call, turning a failure (a broken or missing SDK) into `fallback`. */
export async function attempt<T>(call: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await call()
  } catch {
    return fallback
  }
}

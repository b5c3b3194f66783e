/** A function run in the page: its source is sent to the browser, so it must not close over anything. */
export type PageFunction<A, T> = (arg: A) => T | Promise<T>

/** One open tab of an engine. */
export interface Tab {
  /** Runs `fn(arg)` in the page and answers its (awaited, JSON-serializable) result. */
  evaluate<A, T>(fn: PageFunction<A, T>, arg: A): Promise<T>
  /** Navigates this tab to `url` and waits for its load. */
  goto(url: string): Promise<void>
  /** Reloads the page and waits for its load. */
  reload(): Promise<void>
  /** History back, then waits for the load or the back/forward cache restore. */
  back(): Promise<void>
  /** Closes the tab the way a visitor does (the page is hidden, then unloaded). */
  close(): Promise<void>
  /** The console lines and uncaught errors the page collected (see test-page.ts). */
  console(): Promise<string[]>
}

/** One running browser of an engine. */
export interface Engine {
  readonly name: EngineName
  /** The browser's version string, for the report. */
  readonly version: string
  /** Whether `setOffline` works on this engine (else: why not). */
  readonly offline: true | string
  /** Opens a new tab at `url` and waits for its load. */
  open(url: string): Promise<Tab>
  /** Puts the whole browser off or back on the network (navigator.onLine and requests). */
  setOffline(offline: boolean): Promise<void>
  /**
   * Kills the browser's storage process under its live pages, as a crash would (WebKit: the network
   * process, which holds IndexedDB). The driver's session ends with it: pages run on, unreachable.
   */
  killStorageProcess?(): Promise<void>
  /** Ends the browser and every process it started; safe to call twice. */
  close(): Promise<void>
}

/** How to start a browser whose fault lives in the browser itself (set at launch, for the whole browser). */
export interface LaunchOptions {
  /** Moves the clock of every process of the browser by this many hours (libfaketime through LD_PRELOAD). */
  clockOffsetHours?: number
  /** Starts it with IndexedDB unavailable, by the engine's own switch. */
  indexedDb?: false
  /** Limits the storage of the pages' origin to about this many bytes, by the engine's own switch. */
  storageQuotaBytes?: number
}

/** libfaketime's preload library (Debian package `faketime`). */
export const FAKETIME_LIBRARY = process.env.SEQUITUR_FAKETIME ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1'

/**
 * The environment that moves a process's clocks by `hours`. The monotonic clock moves by the same constant
 * (harmless: only its differences count); with FAKETIME_DONT_FAKE_MONOTONIC Chromium and Firefox hang at start.
 */
export function clockEnv(hours: number | undefined): Record<string, string> {
  if (!hours) return {}
  return { LD_PRELOAD: FAKETIME_LIBRARY, FAKETIME: `${hours > 0 ? '+' : ''}${hours}h` }
}

/** The engines the suites run on. */
export type EngineName = 'chromium' | 'firefox' | 'webkit'

/** How long any single driver call may take before the suite gives up on it. */
export const DRIVER_TIMEOUT_MS = 30_000

/** Rejects when `promise` has not settled within `ms` (a driver that lost its browser never answers). */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = DRIVER_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The source of a call of `fn(arg)`, for drivers that take a script string. */
export function callSource<A, T>(fn: PageFunction<A, T>): string {
  return `return (${fn.toString()})(arguments[0])`
}

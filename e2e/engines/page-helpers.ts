import type { Tab } from '../driver/engine'
import type { SdkStats, Sequitur } from '@sequitur/sdk'

type WithSdk = { sequitur?: Sequitur; __consoleLines?: string[] }

/** Item ids no other test (or earlier run) has used. */
export function freshItems(name: string, count: number): string[] {
  const run = `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`
  return Array.from({ length: count }, (_, i) => `${run}-${i}`)
}

/** Polls `probe` until it answers true, or throws after `ms` with `what`. */
export async function until(probe: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  let last: unknown
  while (Date.now() < deadline) {
    try {
      if (await probe()) return
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  throw new Error(`${what}: not true within ${ms} ms${last ? ` (last error: ${String(last)})` : ''}`)
}

/** Waits until the SDK on the page is ready: its worker opened storage and restored the session. */
export async function sdkReady(tab: Tab): Promise<void> {
  await until(() => tab.evaluate(() => (window as unknown as WithSdk).sequitur !== undefined, null), 'window.sequitur')
  await tab.evaluate(() => (window as unknown as WithSdk).sequitur!.trail().then(() => true), null)
}

/** Tracks a click on each item, in order. */
export function track(tab: Tab, items: string[]): Promise<void> {
  return tab.evaluate((items) => {
    for (const item of items) (window as unknown as WithSdk).sequitur!.track({ type: 'click', item })
  }, items)
}

/** Asks the SDK to send its outbox now; a failed send is not an error of the page. */
export function flush(tab: Tab): Promise<void> {
  return tab.evaluate(() => (window as unknown as WithSdk).sequitur!.flush().catch(() => undefined), null)
}

/** The session's trail as the page sees it. */
export function trail(tab: Tab): Promise<string[]> {
  return tab.evaluate(() => (window as unknown as WithSdk).sequitur!.trail(), null)
}

/** Where the page's SDK keeps its session: `indexeddb`, or `memory` when IndexedDB failed or stalled. */
export function storageOf(tab: Tab): Promise<SdkStats['storage'] | undefined> {
  return tab.evaluate(() => (window as unknown as WithSdk).sequitur!.stats().then((s) => s?.storage), null)
}

/** How many events wait in the SDK's IndexedDB outbox. */
export function outboxSize(tab: Tab): Promise<number> {
  return tab.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('sequitur:demo')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const request = open.result.transaction('outbox').objectStore('outbox').count()
          request.onsuccess = () => {
            open.result.close()
            resolve(request.result)
          }
          request.onerror = () => reject(request.error)
        }
      }),
    null,
  )
}

/** Console lines that are uncaught errors or rejections. */
export async function pageErrors(tab: Tab): Promise<string[]> {
  return (await tab.console()).filter((line) => line.startsWith('uncaught') || line.startsWith('unhandled'))
}

import puppeteer, { type Page } from 'puppeteer-core'
import { clockEnv, withTimeout, type Engine, type LaunchOptions, type Tab } from './engine'

/** Firefox ESR through puppeteer-core over WebDriver BiDi, headless. */
export async function launchFirefox(options: LaunchOptions = {}, executablePath = process.env.SEQUITUR_FIREFOX ?? '/usr/bin/firefox-esr'): Promise<Engine> {
  const prefs: Record<string, unknown> = { 'browser.sessionstore.resume_from_crash': false }
  // The switches are Firefox's own preferences. IndexedDB off: "block all cookies" (cookieBehavior 2) refuses
  // every site its storage, IndexedDB included (ESR 153 has no dom.indexedDB.enabled any more).
  if (options.indexedDb === false) prefs['network.cookie.cookieBehavior'] = 2
  // The temporary storage limit, in KiB.
  if (options.storageQuotaBytes !== undefined) prefs['dom.quotaManager.temporaryStorage.fixedLimit'] = Math.ceil(options.storageQuotaBytes / 1024)
  const env = { ...process.env, ...clockEnv(options.clockOffsetHours) } as Record<string, string>
  const browser = await withTimeout(
    puppeteer.launch({ browser: 'firefox', executablePath, headless: true, protocolTimeout: 30_000, extraPrefsFirefox: prefs, env }),
    'firefox launch',
    60_000,
  )
  const version = await browser.version()
  const pid = browser.process()?.pid
  const pages = new Set<Page>()
  let offline = false
  const tab = (page: Page): Tab => ({
    evaluate: (fn, arg) => withTimeout(page.evaluate(fn as (a: unknown) => unknown, arg) as never, 'firefox evaluate'),
    goto: async (url) => void (await withTimeout(page.goto(url), 'firefox goto')),
    reload: async () => void (await withTimeout(page.reload(), 'firefox reload')),
    back: async () => void (await withTimeout(page.goBack(), 'firefox back')),
    close: () => withTimeout(page.close({ runBeforeUnload: true }), 'firefox close'),
    console: () => page.evaluate(() => ((window as unknown as { __consoleLines?: string[] }).__consoleLines ?? []).slice()),
  })
  return {
    name: 'firefox',
    version,
    offline: true,
    async open(url) {
      const page = await browser.newPage()
      pages.add(page)
      page.once('close', () => pages.delete(page))
      if (offline) await page.setOfflineMode(true)
      await withTimeout(page.goto(url), 'firefox goto')
      return tab(page)
    },
    // BiDi's emulation.setNetworkConditions applies per browsing context: set it on every open tab.
    async setOffline(value) {
      offline = value
      for (const page of pages) await withTimeout(page.setOfflineMode(value), 'firefox offline')
    },
    async close() {
      await withTimeout(browser.close(), 'firefox close', 15_000).catch(() => {
        if (pid) process.kill(pid, 'SIGKILL')
      })
    },
  }
}

import puppeteer, { type Page } from 'puppeteer-core'
import { withTimeout, type Engine, type Tab } from './engine'

/** Firefox ESR through puppeteer-core over WebDriver BiDi, headless. */
export async function launchFirefox(executablePath = process.env.SEQUITUR_FIREFOX ?? '/usr/bin/firefox-esr'): Promise<Engine> {
  const browser = await withTimeout(
    puppeteer.launch({ browser: 'firefox', executablePath, headless: true, protocolTimeout: 30_000, extraPrefsFirefox: { 'browser.sessionstore.resume_from_crash': false } }),
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

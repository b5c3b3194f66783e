import { chromium } from '@playwright/test'
import type { Page } from '@playwright/test'
import { withTimeout, type Engine, type Tab } from './engine'

/** Chromium through Playwright, with Debian's /usr/bin/chromium. */
export async function launchChromium(executablePath = process.env.SEQUITUR_CHROMIUM ?? '/usr/bin/chromium'): Promise<Engine> {
  const browser = await withTimeout(
    chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] }),
    'chromium launch',
  )
  const context = await browser.newContext()
  const tab = (page: Page): Tab => ({
    evaluate: (fn, arg) => withTimeout(page.evaluate(fn as (a: unknown) => never, arg as unknown), 'chromium evaluate'),
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    back: async () => void (await page.goBack()),
    close: () => page.close({ runBeforeUnload: true }),
    console: () => page.evaluate(() => ((window as unknown as { __consoleLines?: string[] }).__consoleLines ?? []).slice()),
  })
  return {
    name: 'chromium',
    version: browser.version(),
    offline: true,
    async open(url) {
      const page = await context.newPage()
      await page.goto(url)
      return tab(page)
    },
    setOffline: (offline) => context.setOffline(offline),
    close: () => browser.close(),
  }
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import type { BrowserContext, Page } from '@playwright/test'
import { clockEnv, withTimeout, type Engine, type LaunchOptions, type Tab } from './engine'
import { descendants } from './processes'

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A profile whose settings block site data (cookies and storage, IndexedDB included) for every site. */
function blockedStorageProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sequitur-chromium-'))
  mkdirSync(join(dir, 'Default'))
  writeFileSync(join(dir, 'Default/Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }))
  return dir
}

/** Chromium through Playwright, with Debian's /usr/bin/chromium. */
export async function launchChromium(options: LaunchOptions = {}, executablePath = process.env.SEQUITUR_CHROMIUM ?? '/usr/bin/chromium'): Promise<Engine> {
  const env = { ...process.env, ...clockEnv(options.clockOffsetHours) } as Record<string, string>
  // IndexedDB off: Chromium has no switch for IndexedDB alone; "block sites from saving data" is its setting that refuses it.
  const profile = options.indexedDb === false ? blockedStorageProfile() : undefined
  let context: BrowserContext
  let closeBrowser: () => Promise<void>
  let version: string
  if (profile) {
    context = await withTimeout(chromium.launchPersistentContext(profile, { executablePath, args: ARGS, env }), 'chromium launch')
    version = context.browser()?.version() ?? 'unknown'
    closeBrowser = async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  } else {
    const browser = await withTimeout(chromium.launch({ executablePath, args: ARGS, env }), 'chromium launch')
    context = await browser.newContext()
    version = browser.version()
    closeBrowser = () => browser.close()
  }
  const quotaSet = new Set<string>()
  // Storage quota: the DevTools protocol's per-origin override, set before the origin's first page loads.
  const applyQuota = async (page: Page, url: string) => {
    const origin = new URL(url).origin
    if (options.storageQuotaBytes === undefined || quotaSet.has(origin)) return
    const cdp = await context.newCDPSession(page)
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: options.storageQuotaBytes })
    quotaSet.add(origin)
  }
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
    version,
    offline: true,
    async open(url) {
      const page = await context.newPage()
      await applyQuota(page, url)
      await page.goto(url)
      return tab(page)
    },
    setOffline: (offline) => context.setOffline(offline),
    // A close that does not answer (seen once in CI, all tests passed) must not hang the suite's
    // teardown: the browser's processes, children of this one, are killed instead.
    close: () =>
      withTimeout(closeBrowser(), 'chromium close', 15_000).catch(() => {
        for (const { pid, command } of descendants(process.pid)) if (/chrom/i.test(command)) try { process.kill(pid, 'SIGKILL') } catch {}
      }),
  }
}

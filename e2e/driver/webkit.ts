import { remote } from 'webdriverio'
import { callSource, clockEnv, withTimeout, type Engine, type LaunchOptions, type Tab } from './engine'
import { descendants, freePort, startProcess, stopProcess, waitFor } from './processes'
import { startXvfb } from './xvfb'

const DRIVER = process.env.SEQUITUR_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver'
const BROWSER = process.env.SEQUITUR_WEBKIT_BROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

const OFFLINE = 'WebDriver classic has no network emulation and WebKitGTK exposes none to MiniBrowser'
/** Why a storage quota cannot be set (see fault-matrix.ts). */
export const WEBKIT_NO_QUOTA = "MiniBrowser exposes no per-origin storage quota (WebKitGTK's is set by the embedding app's website data manager)"


/** WebKitGTK's MiniBrowser through WebKitWebDriver (WebDriver classic) and webdriverio, under an Xvfb of its own. */
export async function launchWebkit(options: LaunchOptions = {}): Promise<Engine> {
  if (options.storageQuotaBytes !== undefined) throw new Error(WEBKIT_NO_QUOTA)
  const display = await startXvfb()
  const port = await freePort()
  // MiniBrowser and its web and network processes inherit the driver's environment (the clock).
  const driver = startProcess(DRIVER, [`--port=${port}`, '--host=127.0.0.1'], { DISPLAY: display.name, ...clockEnv(options.clockOffsetHours) })
  // IndexedDB off: WebKit's own feature flag (window.indexedDB is then absent).
  const args = ['--automation', ...(options.indexedDb === false ? ['--features=-IndexedDBAPI'] : [])]
  const stopAll = async () => {
    // A browser whose session the driver dropped (a crashed storage process) may outlive the driver.
    const browsers = driver.pid === undefined ? [] : descendants(driver.pid)
    await stopProcess(driver)
    for (const { pid } of browsers) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    await display.stop()
  }
  let browser: WebdriverIO.Browser
  try {
    await waitFor(() => fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok), 'WebKitWebDriver')
    browser = await withTimeout(
      remote({
        hostname: '127.0.0.1',
        port,
        logLevel: 'error',
        connectionRetryTimeout: 30_000,
        connectionRetryCount: 0,
        capabilities: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: BROWSER, args },
          'wdio:enforceWebDriverClassic': true,
        } as WebdriverIO.Capabilities,
      }),
      'webkit session',
      45_000,
    )
  } catch (error) {
    await stopAll()
    throw error
  }
  const version = String(browser.capabilities.browserVersion ?? 'unknown')
  // The first window stays open (closing the last one ends the session); new windows are opened from it.
  const home = await browser.getWindowHandle()
  let current = home
  const use = async (handle: string) => {
    if (current !== handle) await browser.switchToWindow(handle)
    current = handle
  }
  const tab = (handle: string): Tab => ({
    evaluate: async (fn, arg) => {
      await use(handle)
      return withTimeout(browser.execute(callSource(fn), arg) as Promise<never>, 'webkit evaluate')
    },
    goto: async (url) => {
      await use(handle)
      await withTimeout(browser.url(url), 'webkit goto')
    },
    reload: async () => {
      await use(handle)
      await withTimeout(browser.refresh(), 'webkit reload')
    },
    back: async () => {
      await use(handle)
      await withTimeout(browser.back(), 'webkit back')
    },
    close: async () => {
      await use(handle)
      await withTimeout(browser.closeWindow(), 'webkit close')
      current = ''
      await use(home)
    },
    console: async () => {
      await use(handle)
      return (await browser.execute('return (window.__consoleLines || []).slice()')) as string[]
    },
  })
  return {
    name: 'webkit',
    version,
    offline: OFFLINE,
    async open(url) {
      await use(home)
      const { handle } = await withTimeout(browser.createWindow('window'), 'webkit new window')
      await use(handle)
      await withTimeout(browser.url(url), 'webkit goto')
      return tab(handle)
    },
    async setOffline() {
      throw new Error(OFFLINE)
    },
    async killStorageProcess() {
      const network = (driver.pid === undefined ? [] : descendants(driver.pid)).filter(({ command }) => command.includes('WebKitNetworkProcess'))
      if (network.length === 0) throw new Error('no WebKitNetworkProcess under this browser')
      for (const { pid } of network) process.kill(pid, 'SIGKILL')
    },
    async close() {
      await withTimeout(browser.deleteSession(), 'webkit end session', 10_000).catch(() => {})
      await stopAll()
    },
  }
}

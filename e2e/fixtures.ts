import { test, type Page } from '@playwright/test'
import type { Sequitur } from '@sequitur/sdk'

declare global {
  interface Window {
    sequitur?: Sequitur
  }
}

/** The base URL of the server the run started (`use.baseURL` of playwright.config.ts); call it inside a test. */
export function baseUrl(): string {
  const url = test.info().project.use.baseURL
  if (!url) throw new Error('playwright.config.ts must set use.baseURL')
  return url
}

/** The operator token the e2e server runs with (playwright.config.ts). */
export const OPERATOR_TOKEN = 'e2e-operator-token-0123456789'

/** Opens the storefront and waits until the SDK is ready. */
export async function openShop(page: Page): Promise<void> {
  await page.goto('/')
  await page.waitForFunction(() => window.sequitur !== undefined)
}

/** Clicks a product card in the grid and closes the product panel it opens. */
export async function clickProduct(page: Page, item: string): Promise<void> {
  await page.locator(`#grid > [data-sq-item="${item}"]`).click()
  await page.locator('#product-panel').waitFor({ state: 'visible' })
  await page.locator('#close-panel').click()
  await page.locator('#product-panel').waitFor({ state: 'hidden' })
}

/** The item ids of the grid, in the order shown. */
export function gridOrder(page: Page): Promise<string[]> {
  return page.locator('#grid > [data-sq-item]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-sq-item')!))
}

import type { Page } from '@playwright/test'
import type { Sequitur } from '@sequitur/sdk'

declare global {
  interface Window {
    sequitur?: Sequitur
  }
}

/** The base URL of the server the run started (see playwright.config.ts). */
export const baseUrl = process.env.SEQUITUR_URL ?? 'http://localhost:38787'

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

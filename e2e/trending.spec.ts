import { expect, test } from '@playwright/test'
import { baseUrl, clickProduct, openShop } from './fixtures'

test.describe('trending', () => {
  test("a cold visitor's grid is ranked by what other visitors clicked when shown", async ({ browser }, testInfo) => {
    // Visitor A sees the grid (an impression is recorded) and picks P9 from it, three times.
    const a = await browser.newContext()
    const pageA = await a.newPage()
    await openShop(pageA)
    for (let i = 0; i < 3; i++) await clickProduct(pageA, 'P9')
    await pageA.evaluate(() => window.sequitur!.flush())
    await expect
      .poll(async () => ((await (await fetch(`${baseUrl()}/v1/trending?site=demo&limit=1`)).json()) as { items: Array<{ item: string }> }).items[0]?.item)
      .toBe('P9')

    // Visitor B has clicked nothing: the grid is ranked by trending, and the strip shows it.
    const b = await browser.newContext()
    const pageB = await b.newPage()
    await openShop(pageB)
    await expect(pageB.locator('#grid > [data-sq-item]').first()).toHaveAttribute('data-sq-item', 'P9', { timeout: 5000 })
    await expect(pageB.locator('#trending-strip')).toBeVisible()
    await expect(pageB.locator('#trending-strip [data-sq-item]').first()).toHaveAttribute('data-sq-item', 'P9')
    const ranked = await pageB.evaluate(async () => (await window.sequitur!.rerank(['P1', 'P9'], { debug: true }))[0]!)
    expect(ranked.item).toBe('P9')
    expect(ranked.reasons[0]).toMatchObject({ via: 'trending' })
    // Debug output: the windowed features behind the ranking.
    expect(ranked.features?.clicks10m).toBeGreaterThanOrEqual(3)
    expect(ranked.features?.session).toEqual({ durationMs: 0, interactions: 0, distinctItems: 0, recentCategories: [] })
    // After B clicks P9 (a watch; its row carries its attributes), the session's features follow.
    await pageB.locator('#grid > [data-sq-item="P9"]').click()
    await pageB.locator('#close-panel').click()
    await expect
      .poll(async () => (await pageB.evaluate(async () => (await window.sequitur!.rerank(['P2'], { debug: true }))[0]!.features?.session)))
      .toMatchObject({ interactions: 1, distinctItems: 1, recentCategories: ['watches'] })
    const shot = testInfo.outputPath('cold-visitor.png')
    await pageB.screenshot({ path: shot })
    await testInfo.attach('cold-visitor', { path: shot, contentType: 'image/png' })
    await a.close()
    await b.close()
  })
})

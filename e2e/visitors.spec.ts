import { expect, test } from '@playwright/test'
import { baseUrl, clickProduct, gridOrder, openShop } from './fixtures'

test.describe('two visitors', () => {
  test("visitor A's clicks re-rank visitor B's grid live, without a reload", async ({ browser }, testInfo) => {
    // Two browser contexts and a dozen clicks: on a loaded 2-core machine this takes most of a minute.
    test.setTimeout(120_000)
    const a = await browser.newContext()
    const pageA = await a.newPage()
    await openShop(pageA)
    for (let i = 0; i < 3; i++) {
      await clickProduct(pageA, 'P1')
      await clickProduct(pageA, 'P7')
    }
    await pageA.evaluate(() => window.sequitur!.flush())
    await expect
      .poll(async () => (await (await fetch(`${baseUrl()}/v1/rows?site=demo&items=P1`)).json()) as unknown)
      .toMatchObject({ rows: { P1: { next: [['P7', 3]] } } })

    const b = await browser.newContext()
    const pageB = await b.newPage()
    await openShop(pageB)
    // B has clicked nothing yet: the grid is in page order, or in trending order when other visitors
    // clicked from it (another test may have); either way P7 is not on top.
    expect((await gridOrder(pageB))[0]).not.toBe('P7')
    const before = testInfo.outputPath('grid-before.png')
    await pageB.screenshot({ path: before })
    await testInfo.attach('grid-before', { path: before, contentType: 'image/png' })

    await pageB.locator('#grid > [data-sq-item="P1"]').click()
    await expect(pageB.locator('#grid > [data-sq-item]').first()).toHaveAttribute('data-sq-item', 'P7', { timeout: 1000 })
    await pageB.locator('#close-panel').click()
    await pageB.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)))
    const after = testInfo.outputPath('grid-after.png')
    await pageB.screenshot({ path: after })
    await testInfo.attach('grid-after', { path: after, contentType: 'image/png' })
    // Why it moved is shown next to the grid: after P1, 3 of 3 next clicks went to P7.
    await expect(pageB.locator('#why-moved')).toContainText('3 of 3')
    // The session's own profile, built on the device from the attributes the rows carry: P1 is a bag.
    await expect(pageB.locator('#session-profile')).toContainText('Bags 100%')
    await expect(pageB.locator('#session-profile')).toContainText('around $')
    await a.close()
    await b.close()
  })
})

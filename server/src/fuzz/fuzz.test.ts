import { describe, expect, it } from 'vitest'
import { rawExchange } from '../testing'
import { httpRequest } from './http-request'
import { runFuzz } from './runner'
import { startTarget } from './target'

describe('the fuzz suite, short run', () => {
  it('answers every generated case with a 4xx JSON error, a 2xx where valid, or a clean close; refused cases change nothing', async () => {
    const seed = Number(process.env['SEQUITUR_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31))
    const report = await runFuzz({ cases: 3000, seed })
    // The seed reproduces a failure: SEQUITUR_FUZZ_SEED=<seed> npx vitest run server/src/fuzz
    expect(report.failures, `fuzz seed ${seed}`).toEqual([])
    expect(report.cases, `fuzz seed ${seed}`).toBe(3000)
  }, 300_000)

  it('refuses msgpack headers claiming 2 GiB in 100-byte bodies before allocating', async () => {
    const target = await startTarget('demo')
    try {
      const before = target.rss()
      for (const marker of [0xdb, 0xc6, 0xdd, 0xdf]) {
        for (let i = 0; i < 25; i++) {
          const body = Buffer.alloc(100, 0x61)
          body[0] = marker
          body.writeUInt32BE(2 ** 31, 1)
          const answer = await rawExchange(target.port, httpRequest('POST', '/v1/events', { 'Content-Type': 'application/msgpack' }, body))
          expect(answer.status).toBe(400)
          expect(JSON.parse(answer.body.toString()).code).toBe('invalid_msgpack')
        }
      }
      // A 2 GiB allocation would show; the margin covers the garbage of 100 requests.
      expect(target.rss() - before).toBeLessThan(64 * 2 ** 20)
    } finally {
      await target.stop()
    }
  }, 120_000)
})

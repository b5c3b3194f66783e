import { describe, expect, it } from 'vitest'
import { progressLine } from './progress'

function capture(tty: boolean) {
  let t = 0
  const out: string[] = []
  const progress = progressLine('eval', { tty, write: (text) => void out.push(text), now: () => t })
  return { progress, out, advance: (ms: number) => (t += ms) }
}

describe('progressLine', () => {
  it('rewrites one line on a terminal, at most every 100 ms, and ends it', () => {
    const { progress, out, advance } = capture(true)
    progress.update(1, 200)
    advance(50)
    progress.update(2, 200)
    advance(60)
    progress.update(3, 200)
    progress.update(200, 200)
    progress.end()
    expect(out).toEqual(['\reval: 1/200 (0 %)\u001b[K', '\reval: 3/200 (1 %)\u001b[K', '\reval: 200/200 (100 %)\u001b[K', '\n'])
  })

  it('prints a whole line every 5 s elsewhere, and nothing for work done sooner', () => {
    const { progress, out, advance } = capture(false)
    progress.update(0, 2000, 'model 1/2')
    advance(4000)
    progress.update(1000, 2000, 'model 1/2')
    advance(1000)
    progress.update(1500, 2000, 'model 1/2')
    progress.update(0, 2000, 'model 2/2')
    advance(5000)
    progress.update(2000, 2000, 'model 2/2')
    progress.end()
    expect(out).toEqual(['eval: model 1/2, 1,500/2,000 (75 %)\n', 'eval: model 2/2, 2,000/2,000 (100 %)\n'])
    const quick = capture(false)
    quick.progress.update(1, 2)
    quick.progress.update(2, 2)
    quick.progress.end()
    expect(quick.out).toEqual([])
  })
})

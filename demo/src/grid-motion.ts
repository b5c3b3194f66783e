import type { Move } from './rank-moves'

const GLIDE_ID = 'sq-glide'
const GLIDE = { duration: 560, easing: 'cubic-bezier(.2,.75,.25,1)' } as const

interface Slot {
  x: number
  y: number
}

function cardsById(grid: HTMLElement): Map<string, HTMLElement> {
  const cards = new Map<string, HTMLElement>()
  for (const child of grid.children) {
    const id = child instanceof HTMLElement ? child.dataset.sqItem : undefined
    if (id && child instanceof HTMLElement) cards.set(id, child)
  }
  return cards
}

function prefersReducedMotion(win: Window): boolean {
  return win.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false
}

/**
 * Animates cards from where they were to where the SDK just moved them (FLIP). Every card has the
 * same size, so a card's old place is the slot that index `from` occupies now. Offsets ignore
 * transforms, so a re-order that lands mid-animation still measures true slots.
 */
export function glide(grid: HTMLElement, moves: readonly Move[]): void {
  const win = grid.ownerDocument.defaultView
  if (!win || prefersReducedMotion(win) || typeof grid.animate !== 'function') return
  const cards = cardsById(grid)
  const slots: Slot[] = [...grid.children].map((child) =>
    child instanceof HTMLElement ? { x: child.offsetLeft, y: child.offsetTop } : { x: 0, y: 0 },
  )
  const top = -grid.getBoundingClientRect().top
  const height = win.innerHeight
  const near = (y: number): boolean => y > top - height && y < top + 2 * height
  for (const move of moves) {
    const card = cards.get(move.item)
    const from = slots[move.from]
    if (!card || !from || move.delta === 0) continue
    const to = { x: card.offsetLeft, y: card.offsetTop }
    if (!near(from.y) && !near(to.y)) continue
    for (const running of card.getAnimations()) if (running.id === GLIDE_ID) running.cancel()
    // A card coming from far away starts one screen off and fades in, rather than streaking across.
    const far = Math.abs(from.y - to.y) > height
    const dy = far ? Math.sign(from.y - to.y) * height * 0.6 : from.y - to.y
    const dx = far ? 0 : from.x - to.x
    const keyframes: Keyframe[] = [
      { transform: `translate(${dx}px, ${dy}px)`, opacity: far ? 0 : 1 },
      { transform: 'none', opacity: 1 },
    ]
    const animation = card.animate(keyframes, GLIDE)
    animation.id = GLIDE_ID
    if (move.delta > 0) {
      card.classList.add('is-rising')
      const done = (): void => card.classList.remove('is-rising')
      animation.addEventListener('finish', done)
      animation.addEventListener('cancel', done)
    }
  }
}

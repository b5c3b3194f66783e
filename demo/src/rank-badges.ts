import { h } from './dom'
import { places } from './format'
import type { Move } from './rank-moves'

const HIGHLIGHT: Keyframe[] = [
  { boxShadow: '0 0 0 3px rgb(79 70 229 / 0.7), 0 12px 28px rgb(79 70 229 / 0.25)' },
  { boxShadow: '0 0 0 3px rgb(79 70 229 / 0.7), 0 12px 28px rgb(79 70 229 / 0.25)', offset: 0.5 },
  { boxShadow: '0 0 0 0 rgb(79 70 229 / 0), 0 1px 2px rgb(0 0 0 / 0.06)' },
]

/**
 * Marks each card that rose in the last re-order with a "↑ n" badge and a short highlight, and
 * clears the badges of the re-order before.
 */
export function showRankBadges(grid: HTMLElement, moves: readonly Move[]): void {
  for (const old of grid.querySelectorAll(':scope > [data-sq-item] > .card-move')) old.remove()
  const risers = new Map(moves.filter((move) => move.delta > 0).map((move) => [move.item, move]))
  for (const card of grid.children) {
    if (!(card instanceof HTMLElement)) continue
    const move = risers.get(card.dataset.sqItem ?? '')
    if (!move) continue
    card.append(
      h(
        'span',
        { class: 'card-move', title: `Moved up ${places(move.delta)} for your session` },
        h('span', { 'aria-hidden': 'true' }, `↑ ${move.delta}`),
        h('span', { class: 'visually-hidden' }, `Moved up ${places(move.delta)}`),
      ),
    )
    card.animate?.(HIGHLIGHT, { duration: 1800, easing: 'ease-out' })
  }
}

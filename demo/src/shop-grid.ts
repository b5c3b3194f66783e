import { renderGridHtml } from './card-html'
import type { Product } from './catalog'
import { trusted } from './dom'
import { computeMoves, type Move } from './rank-moves'
import type { Ranked, RerankedDetail } from './sdk-types'

/** The event the SDK dispatches on a `[data-sq-rerank]` container after re-ordering its children. */
export const RERANKED_EVENT = 'sequitur:reranked'

/** Fills the grid with cards unless the build already put them in index.html. Never re-renders. */
export function ensureCards(grid: HTMLElement, products: readonly Product[]): void {
  if (!grid.querySelector(':scope > [data-sq-item]')) grid.replaceChildren(trusted(renderGridHtml(products)))
}

/** Calls `onOpen` with the item and its button when a card is clicked (the SDK tracks the click itself). */
export function onCardClick(grid: HTMLElement, onOpen: (item: string, opener: HTMLElement) => void): void {
  grid.addEventListener('click', (event) => {
    const card = (event.target as Element).closest<HTMLElement>('[data-sq-item]')
    const item = card?.dataset.sqItem
    if (!card || !item || card.parentElement !== grid) return
    onOpen(item, card.querySelector<HTMLElement>('.card-open') ?? card)
  })
}

function readDetail(event: Event): RerankedDetail | undefined {
  const detail = (event as CustomEvent<unknown>).detail as Partial<RerankedDetail> | null | undefined
  if (!detail || !Array.isArray(detail.before) || !Array.isArray(detail.ranked)) return undefined
  return { before: detail.before, ranked: detail.ranked }
}

/** Calls `listener` with the moves of each re-order the SDK makes to the grid (a re-order that moved nothing is skipped). */
export function onReranked(grid: HTMLElement, listener: (moves: Move[], ranked: Ranked[]) => void): void {
  grid.addEventListener(RERANKED_EVENT, (event) => {
    if (event.target !== grid) return
    const detail = readDetail(event)
    if (!detail) return
    // The order now on screen is the truth for badges and motion; `ranked` supplies the reasons.
    const after = [...grid.children].flatMap((child) => (child instanceof HTMLElement && child.dataset.sqItem) || [])
    const moves = computeMoves(detail.before, after)
    if (moves.some((move) => move.delta !== 0)) listener(moves, detail.ranked)
  })
}

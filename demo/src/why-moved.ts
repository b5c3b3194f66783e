import { renderProductSvg, type Product } from './catalog'
import { h, trusted } from './dom'
import { places } from './format'
import type { Move } from './rank-moves'
import { describeReason } from './reason-text'
import type { Ranked } from './sdk-types'

/** Options of the "Why items moved" view. */
export interface WhyMovedOptions {
  /** The `#why-moved` element. */
  root: HTMLElement
  /** Products by id, for names and pictures. */
  products: ReadonlyMap<string, Product>
  /** How many risers to explain; the rest are counted. */
  limit?: number
}

/** "Why items moved": for each product that rose in the last re-order, how far and why. */
export class WhyMoved {
  readonly #root: HTMLElement
  readonly #products: ReadonlyMap<string, Product>
  readonly #limit: number

  constructor({ root, products, limit = 6 }: WhyMovedOptions) {
    this.#root = root
    this.#products = products
    this.#limit = limit
  }

  /** Explains the risers among `moves`, with reasons from `ranked`; keeps the last explanation if none rose. */
  show(moves: readonly Move[], ranked: readonly Ranked[]): void {
    const risers = moves.filter((move) => move.delta > 0)
    if (risers.length === 0) return
    const reasons = new Map(ranked.map((r) => [r.item, r.reasons]))
    const shown = risers.slice(0, this.#limit)
    const list = h('ol', { class: 'why-list' }, ...shown.map((move) => this.#item(move, reasons.get(move.item) ?? [])))
    const more = risers.length - shown.length
    this.#root.replaceChildren(list)
    if (more > 0) this.#root.append(h('p', { class: 'why-more' }, `…and ${more} more moved up.`))
  }

  #item(move: Move, reasons: Ranked['reasons']): HTMLLIElement {
    const product = this.#products.get(move.item)
    const nameOf = (id: string): string => this.#products.get(id)?.name ?? id
    const lines = reasons.length
      ? reasons.map((reason) => h('li', {}, describeReason(reason, nameOf)))
      : [h('li', {}, 'fits what you looked at')]
    return h(
      'li',
      { class: 'why-item', 'data-item': move.item },
      h('span', { class: 'why-thumb' }, product ? trusted(renderProductSvg(product)) : null),
      h(
        'div',
        { class: 'why-text' },
        h('p', { class: 'why-title' }, nameOf(move.item)),
        h(
          'p',
          { class: 'why-meta' },
          h('span', { class: 'why-delta' }, `↑ ${places(move.delta)}`),
          h('span', { class: 'why-rank' }, `now #${move.to + 1}`),
        ),
        h('ul', { class: 'why-reasons' }, ...lines),
      ),
    )
  }
}

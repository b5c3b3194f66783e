import { renderProductSvg, type Product } from './catalog'
import { h, trusted } from './dom'
import type { Sequitur } from './sdk-types'
import { attempt } from './sequitur-ready'

/** Options of the session trail view. */
export interface SessionTrailOptions {
  /** The `#session-trail` list. */
  root: HTMLElement
  /** A line next to the list: "No clicks yet." or how many older clicks are not shown. */
  note: HTMLElement
  /** Products by id, for names and pictures. */
  products: ReadonlyMap<string, Product>
  /** Called when a chip is clicked (the SDK tracks the click itself: chips are `[data-sq-item]`). */
  onOpen: (item: string, opener: HTMLElement) => void
  /** How many chips to show; older clicks are counted. */
  limit?: number
}

/** The session trail as product chips, newest first, kept in step with the SDK. */
export class SessionTrail {
  readonly #root: HTMLElement
  readonly #note: HTMLElement
  readonly #products: ReadonlyMap<string, Product>
  readonly #limit: number
  #request = 0

  constructor({ root, note, products, onOpen, limit = 14 }: SessionTrailOptions) {
    this.#root = root
    this.#note = note
    this.#products = products
    this.#limit = limit
    root.addEventListener('click', (event) => {
      const chip = (event.target as Element).closest<HTMLElement>('[data-sq-item]')
      const item = chip?.dataset.sqItem
      if (chip && item) onOpen(item, chip)
    })
  }

  /** Reads the trail from `sequitur` now and on every change; returns a function that stops. */
  connect(sequitur: Sequitur): () => void {
    void this.#refresh(sequitur)
    return sequitur.onChange(() => void this.#refresh(sequitur))
  }

  /** Shows `trail` (oldest first, as the SDK returns it) newest first. */
  render(trail: readonly string[]): void {
    const newest = [...trail].reverse()
    const chips = newest.slice(0, this.#limit).map((item, index) => this.#chip(item, index === 0))
    const older = newest.length - chips.length
    this.#root.replaceChildren(...chips)
    this.#note.textContent = chips.length === 0 ? 'No clicks yet.' : older > 0 ? `+ ${older} earlier` : ''
    this.#note.hidden = this.#note.textContent === ''
  }

  async #refresh(sequitur: Sequitur): Promise<void> {
    // Answers can arrive out of order; only the newest request may paint.
    const request = ++this.#request
    const trail = await attempt(() => sequitur.trail(), undefined)
    if (trail && request === this.#request) this.render(trail)
  }

  #chip(item: string, latest: boolean): HTMLLIElement {
    const product = this.#products.get(item)
    return h(
      'li',
      { class: latest ? 'trail-item is-latest' : 'trail-item' },
      h(
        'button',
        { type: 'button', class: 'chip', 'data-sq-item': item },
        h('span', { class: 'chip-art' }, product ? trusted(renderProductSvg(product)) : null),
        h('span', { class: 'chip-name' }, product?.name ?? item),
      ),
    )
  }
}

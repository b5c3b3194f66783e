import { renderProductSvg, type Product } from './catalog'
import { h, trusted } from './dom'
import { formatPrice } from './format'

/** Options of the "People also clicked" list. */
export interface AlsoClickedOptions {
  /** The list element; a `[data-sq-list]` so the SDK can tie clicks to it. */
  list: HTMLElement
  /** A line under the list for loading, empty and offline states. */
  note: HTMLElement
  /** Products by id. */
  products: ReadonlyMap<string, Product>
}

/** "People also clicked": product buttons, each `[data-sq-item]` so the SDK tracks their clicks. */
export class AlsoClicked {
  readonly #list: HTMLElement
  readonly #note: HTMLElement
  readonly #products: ReadonlyMap<string, Product>

  constructor({ list, note, products }: AlsoClickedOptions) {
    this.#list = list
    this.#note = note
    this.#products = products
  }

  /** Empties the list and says why. */
  clear(message: string): void {
    this.#list.replaceChildren()
    this.#say(message)
  }

  /** Shows `items` (ids known to the catalog; others are skipped). */
  render(items: readonly string[]): void {
    const products = items.flatMap((id) => this.#products.get(id) ?? [])
    this.#list.replaceChildren(...products.map((product) => this.#item(product)))
    this.#say(products.length ? '' : 'Nobody has clicked on from here yet: your next click teaches the model.')
  }

  #say(message: string): void {
    this.#note.textContent = message
    this.#note.hidden = message === ''
  }

  #item(product: Product): HTMLLIElement {
    return h(
      'li',
      {},
      h(
        'button',
        { type: 'button', class: 'also-item', 'data-sq-item': product.id },
        h('span', { class: 'also-art' }, trusted(renderProductSvg(product))),
        h('span', { class: 'also-name' }, product.name),
        h('span', { class: 'also-price' }, formatPrice(product.price)),
      ),
    )
  }
}

import type { Product } from './catalog'
import { renderProductSvg } from './catalog'

/** One trending item as `GET /v1/trending` gives it. */
interface TrendingItem {
  item: string
  impressions: number
  clicks: number
  rate: number
}

/**
 * The "Trending now" strip: the items other visitors click most when shown, from the server's take
 * rates. Its chips are `data-sq-item`s of the list `trending`, so clicks on them count too.
 */
export class TrendingStrip {
  readonly #root: HTMLElement
  readonly #products: ReadonlyMap<string, Product>
  readonly #onOpen: (item: string, opener: HTMLElement) => void

  constructor(options: { root: HTMLElement; products: ReadonlyMap<string, Product>; onOpen: (item: string, opener: HTMLElement) => void }) {
    this.#root = options.root
    this.#products = options.products
    this.#onOpen = options.onOpen
  }

  /** Loads the strip now and every minute. */
  start(win: Window): void {
    void this.#load()
    win.setInterval(() => void this.#load(), 60_000)
  }

  async #load(): Promise<void> {
    try {
      const res = await fetch('/v1/trending?site=demo&limit=8')
      if (!res.ok) return
      const { items } = (await res.json()) as { items: TrendingItem[] }
      this.#render(items.filter((t) => this.#products.has(t.item) && t.clicks > 0))
    } catch {
      // The strip is a nicety: without the server it stays hidden.
    }
  }

  #render(items: TrendingItem[]): void {
    const list = this.#root.querySelector('ol')!
    list.replaceChildren(
      ...items.map((t) => {
        const product = this.#products.get(t.item)!
        const li = document.createElement('li')
        const button = document.createElement('button')
        button.type = 'button'
        button.className = 'trending-chip'
        button.dataset.sqItem = product.id
        button.title = `${t.clicks} of ${t.impressions} visitors who saw it clicked`
        button.innerHTML = `${renderProductSvg(product)}<span>${product.name}</span>`
        button.addEventListener('click', () => this.#onOpen(product.id, button))
        li.append(button)
        return li
      }),
    )
    this.#root.hidden = items.length === 0
    this.#root.dataset.sqList = 'trending'
  }
}

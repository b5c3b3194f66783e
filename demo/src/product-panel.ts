import { AlsoClicked } from './also-clicked'
import { blurb } from './blurb'
import type { CartCounter } from './cart'
import { categoryLabel, renderProductSvg, type Product } from './catalog'
import { required, trusted } from './dom'
import { formatPrice } from './format'
import type { Sequitur } from './sdk-types'
import { attempt } from './sequitur-ready'

/** Options of the product panel. */
export interface ProductPanelOptions {
  /** `#product-panel`, with the parts index.html gives it. */
  root: HTMLElement
  /** The shade behind the panel on narrow screens; a click on it closes the panel. */
  backdrop: HTMLElement
  /** Products by id. */
  products: ReadonlyMap<string, Product>
  /** The header's cart counter. */
  cart: CartCounter
  /** How many "People also clicked" items to show. */
  recommendations?: number
}

/** The product side sheet: picture, details, "Add to cart" and "People also clicked". */
export class ProductPanel {
  readonly #root: HTMLElement
  readonly #backdrop: HTMLElement
  readonly #products: ReadonlyMap<string, Product>
  readonly #cart: CartCounter
  readonly #count: number
  readonly #also: AlsoClicked
  readonly #parts: Record<'category' | 'art' | 'name' | 'price' | 'blurb' | 'cart' | 'cartNote', HTMLElement>
  #current: Product | undefined
  #opener: HTMLElement | null = null
  #sequitur: Sequitur | undefined
  #request = 0
  /** The suggestions on show, ids joined; undefined until those of the current product arrive. */
  #shown: string | undefined

  constructor({ root, backdrop, products, cart, recommendations = 4 }: ProductPanelOptions) {
    this.#root = root
    this.#backdrop = backdrop
    this.#products = products
    this.#cart = cart
    this.#count = recommendations
    this.#parts = {
      category: required(root, '#panel-category'),
      art: required(root, '#panel-art'),
      name: required(root, '#panel-name'),
      price: required(root, '#panel-price'),
      blurb: required(root, '#panel-blurb'),
      cart: required(root, '[data-sq-event="cart"]'),
      cartNote: required(root, '#panel-cart-note'),
    }
    const list = required(root, '#also-clicked')
    this.#also = new AlsoClicked({ list, note: required(root, '#also-note'), products })
    required(root, '#close-panel').addEventListener('click', () => this.close())
    backdrop.addEventListener('click', () => this.close())
    root.ownerDocument.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.isOpen) {
        event.preventDefault()
        this.close()
      }
    })
    this.#parts.cart.addEventListener('click', () => this.#addToCart())
    list.addEventListener('click', (event) => {
      const item = (event.target as Element).closest<HTMLElement>('[data-sq-item]')?.dataset.sqItem
      if (item) this.open(item)
    })
  }

  /** Whether the panel is showing. */
  get isOpen(): boolean {
    return !this.#root.hidden
  }

  /** Shows `item`; `opener` gets the focus back on close (kept when the panel opens from inside itself). */
  open(item: string, opener?: HTMLElement): void {
    const product = this.#products.get(item)
    if (!product) return
    const active = this.#root.ownerDocument.activeElement
    if (opener && !this.#root.contains(opener)) this.#opener = opener
    else if (!this.isOpen) this.#opener = active instanceof HTMLElement ? active : null
    this.#fill(product)
    this.#root.hidden = false
    this.#backdrop.hidden = false
    this.#parts.name.focus()
    void this.#loadAlso(true)
  }

  /** Hides the panel and returns the focus to what opened it. */
  close(): void {
    if (!this.isOpen) return
    this.#root.hidden = true
    this.#backdrop.hidden = true
    this.#current = undefined
    this.#request += 1
    if (this.#opener?.isConnected) this.#opener.focus()
    this.#opener = null
  }

  /** Fills "People also clicked" from `sequitur` from now on; returns a function that stops. */
  connect(sequitur: Sequitur): () => void {
    this.#sequitur = sequitur
    if (this.isOpen) void this.#loadAlso(true)
    // The card click that opened the panel reaches the trail a moment later: refresh on each change.
    return sequitur.onChange(() => {
      if (this.isOpen) void this.#loadAlso(false)
    })
  }

  #fill(product: Product): void {
    const parts = this.#parts
    this.#current = product
    parts.category.textContent = categoryLabel(product.category)
    parts.art.replaceChildren(trusted(renderProductSvg(product)))
    parts.name.textContent = product.name
    parts.price.textContent = formatPrice(product.price)
    parts.blurb.textContent = blurb(product.category)
    parts.cart.dataset.sqItem = product.id
    parts.cartNote.textContent = ''
    this.#root.querySelector('.panel-scroll')?.scrollTo?.({ top: 0 })
  }

  #addToCart(): void {
    if (!this.#current) return
    this.#cart.add()
    this.#parts.cartNote.textContent = `${this.#current.name} is in your cart.`
  }

  async #loadAlso(fresh: boolean): Promise<void> {
    const product = this.#current
    const sequitur = this.#sequitur
    if (!product) return
    if (!sequitur) return this.#also.clear('Suggestions appear once Sequitur has loaded.')
    if (fresh) {
      this.#shown = undefined
      this.#also.clear('Looking at what people clicked next…')
    }
    const request = ++this.#request
    const ranked = await attempt(() => sequitur.recommend(this.#count), [])
    if (request !== this.#request || this.#current !== product) return
    // Until the SDK has seen the click on this product, it may suggest the product itself.
    const items = ranked.map((r) => r.item).filter((id) => id !== product.id)
    // Same items as shown: leave the buttons alone so focus and hover survive.
    const key = items.join()
    if (key === this.#shown) return
    this.#shown = key
    this.#also.render(items)
  }
}

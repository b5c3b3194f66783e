/** The cart counter in the header: counts what this page added (the SDK records the cart events). */
export class CartCounter {
  #count = 0
  readonly #output: HTMLElement

  /** `output` shows the count. */
  constructor(output: HTMLElement) {
    this.#output = output
  }

  /** Adds one item and shows the new count. */
  add(): void {
    this.#count += 1
    this.#output.textContent = String(this.#count)
    this.#output.animate?.([{ transform: 'scale(1.5)' }, { transform: 'scale(1)' }], { duration: 300, easing: 'ease-out' })
  }
}

const PRICE = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 })

/** A price as shown to people, e.g. "$89". */
export function formatPrice(price: number): string {
  return PRICE.format(price)
}

/** "1 place" / "6 places". */
export function places(n: number): string {
  return n === 1 ? '1 place' : `${n} places`
}

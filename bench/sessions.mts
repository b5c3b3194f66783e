/**
 * Click sessions as the benchmarks draw them: items `I0`…`I<n-1>` with Zipf-like popularity (item i
 * weighs ~1/(i+1)); half the time the visitor moves to a neighbour of the item, else to another
 * popular one. Seeded, so every run draws the same sessions.
 */
export function sessionDrawer(items: number, seed = 1): (length: number) => string[] {
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
  const pick = () => Math.min(items - 1, Math.floor(Math.exp(random() * Math.log(items + 1)) - 1))
  return (length) => {
    const clicked: string[] = []
    let item = pick()
    for (let i = 0; i < length; i++) {
      clicked.push(`I${item}`)
      item = random() < 0.5 ? (item + 1 + Math.floor(random() * 3)) % items : pick()
    }
    return clicked
  }
}

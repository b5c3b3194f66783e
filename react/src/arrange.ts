/**
 * `items` in the order of `order` (item ids as the SDK ranked them); items the order does not name keep
 * their relative order after it, and repeated ids are matched in turn. Returns `items` itself when the
 * order changes nothing, so a list that did not move does not re-render what it feeds.
 */
export function arrange<T>(items: readonly T[], ids: readonly string[], order: readonly string[]): readonly T[] {
  const byId = new Map<string, number[]>()
  ids.forEach((id, i) => {
    const slots = byId.get(id)
    if (slots) slots.push(i)
    else byId.set(id, [i])
  })
  const taken = new Set<number>()
  const picked: number[] = []
  for (const id of order) {
    const i = byId.get(id)?.shift()
    if (i === undefined) continue
    taken.add(i)
    picked.push(i)
  }
  ids.forEach((_, i) => taken.has(i) || picked.push(i))
  return picked.every((index, i) => index === i) ? items : picked.map((i) => items[i]!)
}

/** Whether two orders of ids are the same. */
export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}

/**
 * Page positions of a container's children, in DOM order, from those remembered (`undefined`: a child
 * the page added since). New children after every known one go after all of them, new ones before every
 * known one go before all of them, and others between their neighbours.
 */
export function fillPositions(known: ReadonlyArray<number | undefined>): number[] {
  const values = known.filter((p): p is number => p !== undefined)
  // With nothing known, the children are numbered from 0 in DOM order: `known.length` stands in for the lowest.
  const min = Math.min(...values, known.length)
  const max = Math.max(...values)
  const out: number[] = []
  for (let i = 0; i < known.length; ) {
    if (known[i] !== undefined) {
      out.push(known[i]!)
      i++
      continue
    }
    let end = i
    while (end < known.length && known[end] === undefined) end++
    const before = out[i - 1]
    const after = known[end]
    const run = end - i
    for (let k = 0; k < run; k++) {
      if (before === undefined) out.push(min - run + k)
      else if (after === undefined) out.push(max + k + 1)
      else out.push(before + ((after - before) * (k + 1)) / (run + 1))
    }
    i = end
  }
  return out
}

/** `entries` in the order of `ranked` (matched by item id); entries the ranking misses follow in their order. */
export function arrange<T>(entries: ReadonlyArray<{ id: string; node: T }>, ranked: ReadonlyArray<{ item: string }>): T[] {
  const byId = new Map<string, T[]>()
  for (const { id, node } of entries) byId.set(id, [...(byId.get(id) ?? []), node])
  const out: T[] = []
  for (const { item } of ranked) {
    const node = byId.get(item)?.shift()
    if (node !== undefined) out.push(node)
  }
  for (const nodes of byId.values()) out.push(...nodes)
  return out
}

/** Interns item ids as small integers, so a store keeps each id's string once. */
export class ItemIds {
  readonly #ids = new Map<string, number>()
  readonly #names: string[] = []

  /** The number of `item`, assigning the next one on first sight. */
  intern(item: string): number {
    let id = this.#ids.get(item)
    if (id === undefined) {
      id = this.#names.length
      this.#ids.set(item, id)
      this.#names.push(item)
    }
    return id
  }

  /** The number of `item` if it was ever interned. */
  find(item: string): number | undefined {
    return this.#ids.get(item)
  }

  /** The item of a number. */
  name(id: number): string {
    return this.#names[id]!
  }
}

function channels(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.replace('#', ''), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`
}

/** Mixes `hex` towards `target` (another `#rrggbb`) by `amount` in [0, 1]. */
export function mix(hex: string, target: string, amount: number): string {
  const from = channels(hex)
  const to = channels(target)
  return toHex(from.map((c, i) => c + (to[i]! - c) * amount))
}

/** A pale background tint of `hex`. */
export function tint(hex: string, amount = 0.86): string {
  return mix(hex, '#ffffff', amount)
}

/** A darker shade of `hex`, for details drawn over it. */
export function shade(hex: string, amount = 0.32): string {
  return mix(hex, '#000000', amount)
}

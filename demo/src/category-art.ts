import type { Category } from './catalog'

/** The colours a category drawing uses. */
export interface Palette {
  /** The product's colour. */
  main: string
  /** A darker shade for details. */
  dark: string
}

type Drawing = (p: Palette) => string

const LEAF = '#4e9a5f'
const LEAF_DARK = '#3b7d4b'

// Each drawing sits in a 200 × 150 box, resting on a shadow at y ≈ 124.
const DRAWINGS: Record<Category, Drawing> = {
  shoes: ({ main, dark }) => `
    <path d="M46 98 L48 70 Q50 60 60 60 L76 60 Q84 74 100 76 L132 82 Q162 86 166 98 Z" fill="${main}"/>
    <path d="M46 98 L48 70 Q50 60 60 60 L62 60 L58 98 Z" fill="${dark}"/>
    <path d="M84 68 l6 8 M94 70 l5 8 M104 73 l4 7" stroke="#fff" stroke-width="3" stroke-linecap="round"/>
    <path d="M72 90 Q102 82 134 89" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round" opacity=".85"/>
    <path d="M42 96 H166 Q172 96 172 103 Q172 110 165 110 H48 Q42 110 42 103 Z" fill="#fff" stroke="#d9d4cc" stroke-width="1.5"/>`,
  jackets: ({ main, dark }) => `
    <path d="M70 38 L88 32 Q100 44 112 32 L130 38 L152 58 L144 86 L134 81 L134 122 L66 122 L66 81 L56 86 L48 58 Z" fill="${main}"/>
    <path d="M88 32 Q100 50 112 32 L106 30 Q100 38 94 30 Z" fill="${dark}"/>
    <path d="M100 44 V122" stroke="${dark}" stroke-width="2.5"/>
    <path d="M74 102 H88 M112 102 H126" stroke="${dark}" stroke-width="2.5" stroke-linecap="round"/>
    <path d="M66 116 H134" stroke="${dark}" stroke-width="5" opacity=".5"/>`,
  bags: ({ main, dark }) => `
    <path d="M80 60 Q80 28 100 28 Q120 28 120 60" stroke="${dark}" stroke-width="6" fill="none" stroke-linecap="round"/>
    <path d="M60 56 H140 L148 118 Q148 124 142 124 H58 Q52 124 52 118 Z" fill="${main}"/>
    <path d="M57 80 H143" stroke="#fff" stroke-width="6" opacity=".45"/>
    <circle cx="100" cy="100" r="6" fill="${dark}" opacity=".55"/>`,
  watches: ({ main, dark }) => `
    <rect x="87" y="20" width="26" height="110" rx="7" fill="${dark}"/>
    <rect x="131" y="70" width="7" height="10" rx="2" fill="${main}"/>
    <circle cx="100" cy="75" r="33" fill="${main}"/>
    <circle cx="100" cy="75" r="26" fill="#fffdf8"/>
    <path d="M100 53 v5 M100 92 v5 M78 75 h5 M117 75 h5" stroke="${dark}" stroke-width="2.5" stroke-linecap="round"/>
    <path d="M100 75 V60 M100 75 L112 81" stroke="${dark}" stroke-width="3" stroke-linecap="round"/>
    <circle cx="100" cy="75" r="3" fill="${main}"/>`,
  lamps: ({ main, dark }) => `
    <path d="M82 70 L58 120 H142 L118 70 Z" fill="#ffe9a8" opacity=".55"/>
    <path d="M100 120 V66" stroke="${dark}" stroke-width="4"/>
    <ellipse cx="100" cy="121" rx="28" ry="6" fill="${dark}"/>
    <ellipse cx="100" cy="72" rx="10" ry="4" fill="#fff3c4"/>
    <path d="M74 70 H126 L113 34 H87 Z" fill="${main}"/>
    <path d="M87 34 H113" stroke="${dark}" stroke-width="3" stroke-linecap="round"/>`,
  mugs: ({ main, dark }) => `
    <path d="M86 42 Q80 34 86 26 Q92 18 86 10 M104 42 Q98 34 104 26 Q110 18 104 10" stroke="${dark}" stroke-width="3" fill="none" stroke-linecap="round" opacity=".3"/>
    <path d="M128 66 Q150 66 150 86 Q150 106 128 104" stroke="${main}" stroke-width="9" fill="none"/>
    <path d="M62 52 H132 V108 Q132 122 118 122 H76 Q62 122 62 108 Z" fill="${main}"/>
    <ellipse cx="97" cy="52" rx="35" ry="6" fill="${dark}"/>
    <rect x="72" y="64" width="8" height="44" rx="4" fill="#fff" opacity=".28"/>`,
  plants: ({ main, dark }) => `
    <ellipse cx="82" cy="56" rx="11" ry="28" fill="${LEAF}" transform="rotate(-32 82 56)"/>
    <ellipse cx="118" cy="56" rx="11" ry="28" fill="${LEAF}" transform="rotate(32 118 56)"/>
    <ellipse cx="100" cy="44" rx="12" ry="32" fill="${LEAF_DARK}"/>
    <ellipse cx="70" cy="72" rx="8" ry="20" fill="${LEAF_DARK}" transform="rotate(-62 70 72)"/>
    <ellipse cx="130" cy="72" rx="8" ry="20" fill="${LEAF_DARK}" transform="rotate(62 130 72)"/>
    <path d="M70 82 H130 L121 124 H79 Z" fill="${main}"/>
    <rect x="66" y="76" width="68" height="11" rx="3" fill="${dark}"/>`,
  headphones: ({ main, dark }) => `
    <path d="M60 96 V80 Q60 34 100 34 Q140 34 140 80 V96" stroke="${dark}" stroke-width="8" fill="none" stroke-linecap="round"/>
    <rect x="48" y="78" width="26" height="42" rx="11" fill="${main}"/>
    <rect x="126" y="78" width="26" height="42" rx="11" fill="${main}"/>
    <rect x="70" y="85" width="8" height="28" rx="3" fill="${dark}"/>
    <rect x="122" y="85" width="8" height="28" rx="3" fill="${dark}"/>`,
}

/** The SVG elements (no `<svg>` wrapper) that draw one product of `category`. */
export function drawCategory(category: Category, palette: Palette): string {
  return DRAWINGS[category](palette)
}

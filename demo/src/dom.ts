type Attributes = Record<string, string | number | boolean | undefined>
type Child = Node | string | null | undefined | false

/** Creates an element with attributes (`true` sets an empty attribute, `false`/`undefined` skips) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '')
    else if (value !== false && value !== undefined) element.setAttribute(name, String(value))
  }
  for (const child of children) if (child) element.append(child)
  return element
}

/** Parses markup made by this app (never from input) into nodes. */
export function trusted(markup: string): DocumentFragment {
  const template = document.createElement('template')
  template.innerHTML = markup
  return template.content
}

/** The element matching `selector` under `root`; throws when the page lacks it (a bug in index.html). */
export function required<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const element = root.querySelector<E>(selector)
  if (!element) throw new Error(`demo: missing ${selector} in index.html`)
  return element
}

import type { RerankedDetail, Sequitur } from '../api'
import type { EventType } from '../protocol'
import type { Log } from '../shared'
import { arrange, fillPositions } from './page-order'

const itemsOf = (container: Element): HTMLElement[] =>
  [...container.children].filter((el): el is HTMLElement => el instanceof HTMLElement && !!el.dataset.sqItem)

/**
 * Tracks clicks on `[data-sq-item]` and keeps the direct `[data-sq-item]` children of every
 * `[data-sq-rerank]` container in the order the session most likely wants. Returns a stop function.
 */
export function startAutoCapture(sdk: Pick<Sequitur, 'track' | 'rerank' | 'onChange'>, log: Log): () => void {
  const positions = new WeakMap<Element, number>()
  const observed = new WeakSet<Element>()
  const observer = new MutationObserver(() => schedule())
  let frame = 0
  let running = false
  let again = false

  const onClick = (event: MouseEvent) => {
    const el = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-sq-item]') : null
    const item = el?.dataset.sqItem
    if (!el || !item) return
    const list = el.parentElement?.closest<HTMLElement>('[data-sq-rerank],[data-sq-list]')
    const listId = list?.dataset.sqList || list?.id
    // The worker validates the type; a page typo is logged there, not thrown here.
    sdk.track({ type: (el.dataset.sqEvent || 'click') as EventType, item, ...(listId ? { list: listId } : {}) })
  }

  function schedule(): void {
    if (running) again = true
    else frame ||= requestAnimationFrame(() => void pass())
  }

  async function pass(): Promise<void> {
    frame = 0
    running = true
    const containers = [...document.querySelectorAll<HTMLElement>('[data-sq-rerank]')]
    await Promise.all(containers.map((container) => reorder(container).catch((error: unknown) => log('re-ordering failed', error))))
    running = false
    if (again) {
      again = false
      schedule()
    }
  }

  async function reorder(container: HTMLElement): Promise<void> {
    if (!observed.has(container)) {
      observed.add(container)
      observer.observe(container, { childList: true })
    }
    const nodes = itemsOf(container)
    const filled = fillPositions(nodes.map((node) => positions.get(node)))
    const entries = nodes.map((node, i) => ({ node, id: node.dataset.sqItem!, position: filled[i]! }))
    for (const { node, position } of entries) positions.set(node, position)
    if (nodes.length < 2) return
    const page = entries.sort((a, b) => a.position - b.position)
    const ranked = await sdk.rerank(page.map((entry) => entry.id))
    const now = itemsOf(container)
    if (now.length !== nodes.length || now.some((node, i) => node !== nodes[i])) return schedule()
    const next = arrange(page, ranked)
    if (next.every((node, i) => node === nodes[i])) return
    const anchor = nodes[nodes.length - 1]!.nextSibling
    for (const node of next) container.insertBefore(node, anchor)
    const detail: RerankedDetail = { before: nodes.map((node) => node.dataset.sqItem!), ranked }
    container.dispatchEvent(new CustomEvent('sequitur:reranked', { bubbles: true, detail }))
  }

  document.addEventListener('click', onClick, true)
  const unsubscribe = sdk.onChange(schedule)
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', schedule, { once: true })
  else schedule()
  return () => {
    document.removeEventListener('click', onClick, true)
    document.removeEventListener('DOMContentLoaded', schedule)
    unsubscribe()
    observer.disconnect()
    cancelAnimationFrame(frame)
  }
}

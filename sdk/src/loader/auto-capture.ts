import type { RerankedDetail, Sequitur } from '../api'
import type { EventType } from '../protocol'
import type { Log } from '../shared'
import { arrange, fillPositions } from './page-order'

const itemsOf = (container: Element): HTMLElement[] =>
  [...container.children].filter((el): el is HTMLElement => el instanceof HTMLElement && !!el.dataset.sqItem)

/**
 * Tracks clicks on `[data-sq-item]`, keeps the direct `[data-sq-item]` children of every
 * `[data-sq-rerank]` container in the order the session most likely wants, and records an
 * impression of what each container shows in the viewport (after load, re-orders and scrolling).
 * Returns a stop function.
 */
export function startAutoCapture(sdk: Pick<Sequitur, 'track' | 'rerank' | 'onChange'>, log: Log): () => void {
  const positions = new WeakMap<Element, number>()
  /** The last impression recorded per container (its visible items, in order). */
  const impressed = new WeakMap<Element, string>()
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
    await Promise.all(
      containers.map((container) =>
        reorder(container)
          .then(() => impress(container))
          .catch((error: unknown) => log('re-ordering failed', error)),
      ),
    )
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

  /** Records an impression of what the container shows in the viewport, in order, when it changed. */
  function impress(container: HTMLElement): void {
    const height = innerHeight || document.documentElement.clientHeight
    const visible = itemsOf(container)
      .filter((node) => {
        const box = node.getBoundingClientRect()
        return box.bottom > 0 && box.top < height && box.width > 0
      })
      .map((node) => node.dataset.sqItem!)
      .slice(0, 200)
    const signature = visible.join('\0')
    if (visible.length === 0 || impressed.get(container) === signature) return
    impressed.set(container, signature)
    const list = container.dataset.sqList || container.id
    sdk.track({ type: 'impression', items: visible, ...(list ? { list } : {}) })
  }

  let scrollTimer = 0
  const onScroll = () => {
    clearTimeout(scrollTimer)
    scrollTimer = setTimeout(schedule, 500) as unknown as number
  }

  document.addEventListener('click', onClick, true)
  addEventListener('scroll', onScroll, { passive: true })
  const unsubscribe = sdk.onChange(schedule)
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', schedule, { once: true })
  else schedule()
  return () => {
    document.removeEventListener('click', onClick, true)
    removeEventListener('scroll', onScroll)
    clearTimeout(scrollTimer)
    document.removeEventListener('DOMContentLoaded', schedule)
    unsubscribe()
    observer.disconnect()
    cancelAnimationFrame(frame)
  }
}

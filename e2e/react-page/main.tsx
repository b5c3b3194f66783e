// A small React shop shelf for react.spec.ts: the list comes from `?items=a,b,c` and is ordered by
// `useRerank`; a click on an item is tracked through `useSequitur()`. Every order the list shows is
// recorded in `window.shelfOrders`, so the test can tell an intended re-rank from a glitch.
import { SequiturProvider, useRerank, useSequitur } from '@sequitur/react'
import type { Sequitur } from '@sequitur/sdk'
import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'

declare global {
  interface Window {
    sequitur?: Sequitur
    shelfOrders?: string[][]
  }
}

function Shelf({ items }: { items: string[] }) {
  const sequitur = useSequitur()
  const ordered = useRerank(items)
  useEffect(() => {
    if (sequitur) window.sequitur = sequitur
  }, [sequitur])
  return (
    <ul id="shelf">
      {ordered.map((item) => (
        <li key={item} data-item={item}>
          <button onClick={() => sequitur?.track({ type: 'click', item })}>{item}</button>
        </li>
      ))}
    </ul>
  )
}

/** The shelf, and a button that unmounts and mounts it again (as a route change would). */
function Page({ items }: { items: string[] }) {
  const [shown, setShown] = useState(true)
  return (
    <>
      <button id="toggle" onClick={() => setShown(!shown)}>
        {shown ? 'hide' : 'show'}
      </button>
      {shown && <Shelf items={items} />}
    </>
  )
}

function recordOrders(root: HTMLElement): void {
  const orders: string[][] = (window.shelfOrders = [])
  const record = () => {
    const order = Array.from(root.querySelectorAll('#shelf > li')).map((li) => li.getAttribute('data-item')!)
    if (order.length > 0) orders.push(order)
  }
  new MutationObserver(record).observe(root, { childList: true, subtree: true })
}

const items = (new URLSearchParams(location.search).get('items') ?? '').split(',').filter(Boolean)
const root = document.getElementById('root')!
recordOrders(root)
// StrictMode (a development build of React) mounts the provider twice: the first SDK instance is destroyed.
createRoot(root).render(
  <StrictMode>
    <SequiturProvider site="demo" autoCapture={false} debug>
      <Page items={items} />
    </SequiturProvider>
  </StrictMode>,
)

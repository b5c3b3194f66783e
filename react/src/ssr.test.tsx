import type { Ranked, Sequitur } from '@sequitur/sdk'
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { SequiturProvider, useRerank, useSequitur } from './index.js'

function List({ items }: { items: string[] }) {
  const ordered = useRerank(items)
  const sequitur = useSequitur()
  return (
    <ul data-sdk={sequitur ? 'ready' : 'none'}>
      {ordered.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  )
}

function Products({ products }: { products: Array<{ sku: string; name: string }> }) {
  const ordered = useRerank(products, { id: (product) => product.sku })
  return <ol>{ordered.map((product) => <li key={product.sku}>{product.name}</li>)}</ol>
}

/** An instance that would reverse every list, were it asked during render. */
const reversing = {
  rerank: (items: string[]) => Promise.resolve(items.toReversed().map((item): Ranked => ({ item, score: 1, reasons: [] }))),
  onChange: () => () => {},
} as Pick<Sequitur, 'rerank' | 'onChange'> as Sequitur

describe('server rendering', () => {
  it('imports the package and renders a provider and a list in the given order, with no window', () => {
    expect(typeof window).toBe('undefined')
    const html = renderToString(
      <SequiturProvider site="demo" endpoint="https://sequitur.example">
        <List items={['P3', 'P1', 'P2']} />
      </SequiturProvider>,
    )
    expect(html).toBe('<ul data-sdk="none"><li>P3</li><li>P1</li><li>P2</li></ul>')
  })

  it('keeps the given order on the first render even with an instance at hand', () => {
    const html = renderToString(
      <SequiturProvider instance={reversing}>
        <List items={['a', 'b', 'c']} />
        <Products products={[{ sku: 's1', name: 'Lamp' }, { sku: 's2', name: 'Chair' }]} />
      </SequiturProvider>,
    )
    expect(html).toBe('<ul data-sdk="ready"><li>a</li><li>b</li><li>c</li></ul><ol><li>Lamp</li><li>Chair</li></ol>')
  })

  it('renders outside a provider with no instance and the given order', () => {
    expect(renderToString(<List items={['x', 'y']} />)).toBe('<ul data-sdk="none"><li>x</li><li>y</li></ul>')
  })
})

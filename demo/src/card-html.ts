import { categoryLabel, renderProductSvg, type Product } from './catalog'
import { formatPrice } from './format'
import { escapeHtml } from './html'

/** The markup of one grid card: `<article data-sq-item="…">` with a button that opens the product. */
export function renderCardHtml(product: Product): string {
  const id = escapeHtml(product.id)
  return `<article class="card" data-sq-item="${id}" data-category="${product.category}">` +
    `<div class="card-art">${renderProductSvg(product)}</div>` +
    `<div class="card-body">` +
    `<h3 class="card-name"><button type="button" class="card-open">${escapeHtml(product.name)}</button></h3>` +
    `<p class="card-meta"><span>${categoryLabel(product.category)}</span>` +
    `<span class="card-price">${formatPrice(product.price)}</span></p>` +
    `</div></article>`
}

/** The markup of every card, in page order, with no whitespace between them. */
export function renderGridHtml(products: readonly Product[]): string {
  return products.map(renderCardHtml).join('')
}

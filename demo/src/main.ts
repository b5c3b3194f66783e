import './styles/index.css'
import { CartCounter } from './cart'
import { catalog, indexCatalog } from './catalog'
import { required } from './dom'
import { glide } from './grid-motion'
import { showModel } from './model-panel'
import { ProductPanel } from './product-panel'
import { showRankBadges } from './rank-badges'
import { showSdkState } from './sdk-status'
import { whenSequiturReady } from './sequitur-ready'
import { showSessionProfile } from './session-profile-view'
import { SessionTrail } from './session-trail'
import { ensureCards, onCardClick, onReranked } from './shop-grid'
import { TrendingStrip } from './trending-strip'
import { WhyMoved } from './why-moved'

/** How long to wait for the SDK before saying it did not load (it may still arrive later). */
const OFFLINE_AFTER_MS = 10_000

function start(doc: Document, win: Window): void {
  const products = indexCatalog(catalog)
  const grid = required(doc, '#grid')
  ensureCards(grid, catalog)

  const panel = new ProductPanel({
    root: required(doc, '#product-panel'),
    backdrop: required(doc, '#panel-backdrop'),
    products,
    cart: new CartCounter(required(doc, '#cart-count')),
  })
  const open = (item: string, opener: HTMLElement): void => panel.open(item, opener)
  const trail = new SessionTrail({ root: required(doc, '#session-trail'), note: required(doc, '#trail-note'), products, onOpen: open })
  const whyMoved = new WhyMoved({ root: required(doc, '#why-moved'), products })

  new TrendingStrip({ root: required(doc, '#trending-strip'), products, onOpen: open }).start(win)
  showModel(required(doc, '#site-model'), win)
  onCardClick(grid, open)
  onReranked(grid, (moves, ranked) => {
    glide(grid, moves)
    showRankBadges(grid, moves)
    whyMoved.show(moves, ranked)
  })

  const status = required(doc, '#sdk-status')
  showSdkState(status, 'connecting')
  const offline = win.setTimeout(() => showSdkState(status, 'offline'), OFFLINE_AFTER_MS)
  whenSequiturReady(win, (sequitur) => {
    win.clearTimeout(offline)
    showSdkState(status, 'live')
    panel.connect(sequitur)
    trail.connect(sequitur)
    showSessionProfile(required(doc, '#session-profile'), sequitur)
  })
}

start(document, window)

/** Query options of `/test-page`. */
export interface PageOptions {
  /** Comma-separated item ids of a re-rankable list. */
  list?: string
  /** `strict`: `script-src 'self'`, no eval, no `blob:` workers. */
  csp?: string
  /** The script tag's `data-consent` (`pending`, `granted`, `denied`); none: the SDK's default. */
  consent?: string
}

// Collects console lines and uncaught errors in the page: WebKit's WebDriver (classic) cannot capture them.
const consoleScript = `(() => {
  const lines = (window.__consoleLines = [])
  for (const level of ['log', 'info', 'warn', 'error']) {
    const original = console[level].bind(console)
    console[level] = (...args) => { lines.push(level + ': ' + args.map(String).join(' ')); original(...args) }
  }
  addEventListener('error', (event) => lines.push('uncaught: ' + event.message))
  addEventListener('unhandledrejection', (event) => lines.push('unhandled: ' + String(event.reason)))
  addEventListener('pagehide', (event) => { lines.push('pagehide persisted=' + event.persisted) })
})()`

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The bare shop page the engine suites open (served by the proxy on the SDK's origin), its console script, or a page without the SDK (`/elsewhere`). */
export function testPage(path: string, options: PageOptions): { headers: Record<string, string>; body: string } {
  if (path === '/elsewhere') return { headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>elsewhere</title><p>another page, without the SDK</p>' }
  if (path === '/console.js') return { headers: { 'content-type': 'text/javascript' }, body: consoleScript }
  const items = (options.list ? options.list.split(',') : []).map((item) => `<li data-sq-item="${escape(item)}"><button>${escape(item)}</button></li>`).join('')
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' }
  if (options.csp === 'strict') headers['content-security-policy'] = "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self' ws: wss:"
  const consent = options.consent ? ` data-consent="${escape(options.consent)}"` : ''
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>engine test</title>
    <script src="/console.js"></script>
    <script src="/sdk.js" data-site="demo" data-debug${consent} async></script></head>
    <body><ul id="list" data-sq-rerank data-sq-list="test-list">${items}</ul></body></html>`
  return { headers, body }
}

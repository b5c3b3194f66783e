import { defineConfig, type Plugin, type ProxyOptions } from 'vite'
import { renderGridHtml } from './src/card-html'
import { catalog } from './src/catalog'

/** The Sequitur server `npm start` runs; the dev server forwards the API and the SDK to it. */
const SERVER = 'http://localhost:8787'

const GRID_PLACEHOLDER = '<!--sequitur:grid-->'

/** Writes the 200 cards into index.html, so the grid shows before (and without) any script. */
function prerenderGrid(): Plugin {
  return {
    name: 'sequitur-demo:prerender-grid',
    transformIndexHtml: (html) => html.replace(GRID_PLACEHOLDER, renderGridHtml(catalog)),
  }
}

const proxy: Record<string, string | ProxyOptions> = {
  '/v1': { target: SERVER, ws: true },
  '/sdk.js': SERVER,
  '/sdk-worker.js': SERVER,
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [prerenderGrid()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy },
  preview: { proxy },
})

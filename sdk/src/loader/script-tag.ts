import type { Sequitur } from '../api'
import { createSequitur } from './create-sequitur'

declare global {
  interface Window {
    /** The Sequitur instance started by the script tag. */
    sequitur?: Sequitur
  }
}

// <script src="https://host/sdk.js" data-site="demo" async> (optional data-key, data-endpoint, data-debug, data-auto-capture="false").
try {
  const script = document.currentScript
  if (script instanceof HTMLScriptElement && script.dataset.site) {
    const { site, key, endpoint, debug, autoCapture } = script.dataset
    const sequitur = (window.sequitur = createSequitur({
      site,
      key,
      endpoint: endpoint || new URL(script.src, location.href).origin,
      debug: debug !== undefined && debug !== 'false',
      autoCapture: autoCapture !== 'false',
    }))
    dispatchEvent(new CustomEvent('sequitur:ready', { detail: sequitur }))
  }
} catch {
  // Never throw into the host page.
}

import type { Sequitur, SequiturOptions } from '../api'
import { createSequitur } from './create-sequitur'

declare global {
  interface Window {
    /** The Sequitur instance started by the script tag. */
    sequitur?: Sequitur
  }
}

// <script src="https://host/sdk.js" data-site="demo" async> (optional data-key, data-endpoint, data-debug, data-auto-capture="false",
// data-consent="pending|granted|denied").
try {
  const script = document.currentScript
  if (script instanceof HTMLScriptElement && script.dataset.site) {
    const { endpoint, debug, autoCapture } = script.dataset
    const sequitur = (window.sequitur = createSequitur({
      // `data-site`, `data-key` and `data-consent` as written: any consent but `granted` holds events
      // (an unknown one acts as `pending`), so a typo never sends.
      ...(script.dataset as Pick<SequiturOptions, 'site' | 'key' | 'consent'>),
      endpoint: endpoint || new URL(script.src, location.href).origin,
      debug: debug !== undefined && debug !== 'false',
      autoCapture: autoCapture !== 'false',
    }))
    dispatchEvent(new CustomEvent('sequitur:ready', { detail: sequitur }))
  }
} catch {
  // Never throw into the host page.
}

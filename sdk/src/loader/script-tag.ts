import type { Consent, Sequitur } from '../api'
import { createSequitur } from './create-sequitur'

declare global {
  interface Window {
    /** The Sequitur instance started by the script tag. */
    sequitur?: Sequitur
  }
}

// <script src="https://host/sdk.js" data-site="demo" async> (optional data-endpoint, data-debug, data-auto-capture="false",
// data-consent="pending|granted|denied").
try {
  const script = document.currentScript
  if (script instanceof HTMLScriptElement && script.dataset.site) {
    const { site, endpoint, debug, autoCapture, consent } = script.dataset
    const sequitur = (window.sequitur = createSequitur({
      site,
      endpoint: endpoint || new URL(script.src, location.href).origin,
      debug: debug !== undefined && debug !== 'false',
      autoCapture: autoCapture !== 'false',
      // Any value but `granted` holds events (an unknown one acts as `pending`): a typo must not send.
      consent: consent as Consent | undefined,
    }))
    dispatchEvent(new CustomEvent('sequitur:ready', { detail: sequitur }))
  }
} catch {
  // Never throw into the host page.
}

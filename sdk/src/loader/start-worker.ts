/**
 * Starts the SDK worker from `url`. Browsers refuse cross-origin worker scripts, so one on another origin
 * (a CDN, the Sequitur server) starts from a same-origin blob that `importScripts` it.
 */
export function startWorker(url: string): Worker {
  const href = new URL(url, location.href)
  return new Worker(
    href.origin === location.origin
      ? href
      : URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(href.href)})`], { type: 'text/javascript' })),
  )
}

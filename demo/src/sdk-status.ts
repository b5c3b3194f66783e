/** Where the SDK stands, as the page sees it. */
export type SdkState = 'connecting' | 'live' | 'offline'

const TEXT: Record<SdkState, string> = {
  connecting: 'Connecting to Sequitur…',
  live: 'Live: the grid is re-ranked on this device.',
  offline: 'Sequitur did not load: the shop works, unpersonalized.',
}

/** Shows `state` in the status line (`data-state` drives its colour). */
export function showSdkState(element: HTMLElement, state: SdkState): void {
  element.dataset.state = state
  element.textContent = TEXT[state]
}

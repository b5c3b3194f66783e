/** The edge's stream: subscriptions to rows and the pushes of their changes. */
export { StreamHub, type StreamClient } from './stream-hub'
export { MessageRate } from './message-rate'

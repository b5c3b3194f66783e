/** Offsets smaller than this are ignored: `Date` has one-second resolution and a request takes its time. */
export const MIN_OFFSET_MS = 2 * 60_000

/**
 * How far the device clock is behind the server's (ms to add to a device time), from a response's `Date`
 * header and when the request left and its answer came back (device clock). 0 when the two agree within
 * `MIN_OFFSET_MS`; undefined when there is no readable header.
 */
export function clockOffset(date: string | null | undefined, sentAt: number, receivedAt: number): number | undefined {
  if (!date) return undefined
  const server = Date.parse(date)
  if (Number.isNaN(server)) return undefined
  // `Date` is truncated to the second: its middle, against the middle of the round trip.
  const offset = Math.round(server + 500 - (sentAt + receivedAt) / 2)
  return Math.abs(offset) < MIN_OFFSET_MS ? 0 : offset
}

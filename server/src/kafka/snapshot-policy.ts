/** When a partition's owner takes a snapshot of its state. */
export interface SnapshotPolicy {
  /**
   * Changelog bytes written since the last snapshot that make the next one due, at least; once the
   * state is larger, its size (so the changelog a new owner replays stays at most about the state,
   * and snapshots cost at most about as much as the changelog they save replaying).
   */
  minBytes?: number
  /** Time after which any changelog written since the last snapshot makes one due (ms). */
  everyMs?: number
}

/** The defaults: 64 MB or the state's size of changelog, or 10 minutes. */
export const SNAPSHOT_POLICY: Required<SnapshotPolicy> = { minBytes: 64 * 1024 * 1024, everyMs: 10 * 60_000 }

/** Where a partition stands since its last snapshot. */
export interface SinceSnapshot {
  /** Changelog bytes written (or replayed) since the snapshot. */
  bytes: number
  /** Ms since it was taken (or since the partition was taken over, without one). */
  ms: number
  /** The last snapshot's size in bytes (0 without one). */
  stateBytes: number
}

/** Whether a snapshot is due. */
export function snapshotDue({ bytes, ms, stateBytes }: SinceSnapshot, { minBytes = SNAPSHOT_POLICY.minBytes, everyMs = SNAPSHOT_POLICY.everyMs }: SnapshotPolicy = {}): boolean {
  if (bytes <= 0) return false
  return bytes >= Math.max(minBytes, stateBytes) || ms >= everyMs
}

/**
 * Starts a consumer again after kafkajs gave up on it: runs `attempt` (disconnect the old consumer,
 * run a new one) unless `stopped()`, and after a failure tries again in 2 s, until one succeeds.
 */
export async function retryUntilRunning(attempt: () => Promise<void>, o: { stopped: () => boolean; name: string; log?: (line: string) => void }): Promise<void> {
  if (o.stopped()) return
  try {
    await attempt()
  } catch (error) {
    o.log?.(`${o.name}: restart failed (${(error as Error).message}); trying again`)
    setTimeout(() => void retryUntilRunning(attempt, o), 2000)
  }
}

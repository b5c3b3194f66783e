import { afterAll, beforeAll } from 'vitest'
import { startLocalBroker, type LocalBroker } from './local-broker'

/** A local broker for the tests of one file: started before them, stopped after them. */
export function useLocalBroker(): () => LocalBroker {
  let broker: LocalBroker | undefined
  beforeAll(async () => {
    broker = await startLocalBroker()
  }, 180_000)
  afterAll(async () => {
    await broker?.stop()
  }, 60_000)
  return () => broker!
}

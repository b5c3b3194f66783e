import { expose } from 'comlink'
import { fetchTransport, openWebSocket, systemClock } from './adapters'
import { SequiturWorker } from './sequitur-worker'

expose(new SequiturWorker({ transport: fetchTransport(), openSocket: openWebSocket, clock: systemClock }))

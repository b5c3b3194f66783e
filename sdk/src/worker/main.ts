import { fetchTransport, openWebSocket, systemClock } from './adapters'
import { SequiturWorker } from './sequitur-worker'
import { serveWorker } from './serve-worker'

serveWorker(self, new SequiturWorker({ transport: fetchTransport(), openSocket: openWebSocket, clock: systemClock }))

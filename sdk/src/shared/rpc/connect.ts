import { RemoteError } from './remote-error'
import type { CallMessage, Endpoint, Methods, Notices, WorkerMessage } from './wire'

/** The page's handle on an exposed API. */
export interface Client<Api extends Methods<Api>> {
  /** Calls `method` in the worker; resolves with its result, rejects with a `RemoteError` when it threw. */
  call<M extends keyof Api & string>(method: M, ...args: Parameters<Api[M]>): Promise<Awaited<ReturnType<Api[M]>>>
  /** Calls `method` one way: nothing comes back, and the page allocates no promise for it. */
  send<M extends keyof Api & string>(method: M, ...args: Parameters<Api[M]>): void
  /** Rejects the calls still waiting (the worker is gone). */
  close(): void
}

interface Waiting {
  resolve(value: never): void
  reject(error: unknown): void
}

/** Talks to the API a worker exposes on `endpoint`; `notices` receives what the worker reports unasked. */
export function connect<Api extends Methods<Api>, Events extends Notices<Events>>(endpoint: Endpoint, notices: Events): Client<Api> {
  const waiting = new Map<number, Waiting>()
  let last = 0
  endpoint.addEventListener('message', ({ data: message }: MessageEvent<WorkerMessage>) => {
    if (message.type === 'notice') return (notices[message.notice as keyof Events] as unknown as ((value: unknown) => void) | undefined)?.(message.value)
    const call = waiting.get(message.id)
    if (!call) return
    waiting.delete(message.id)
    if (message.type === 'result') call.resolve(message.value as never)
    else call.reject(new RemoteError(message.name, message.message))
  })
  return {
    call: (method, ...args) =>
      new Promise((resolve, reject) => {
        // Posting first: an argument structured cloning cannot copy throws here and rejects the call.
        endpoint.postMessage({ type: 'call', id: ++last, method, args } satisfies CallMessage)
        waiting.set(last, { resolve, reject })
      }),
    send: (method, ...args) => endpoint.postMessage({ type: 'call', id: 0, method, args } satisfies CallMessage),
    close() {
      for (const call of waiting.values()) call.reject(new RemoteError('ClosedError', 'closed'))
      waiting.clear()
    },
  }
}

import type { CallMessage, Endpoint, FailureMessage, Methods, Notices, ResultMessage, NoticeMessage } from './wire'

const failure = (id: number, error: unknown): FailureMessage => ({
  type: 'failure',
  id,
  name: error instanceof Error ? error.name : 'Error',
  message: error instanceof Error ? error.message : String(error),
})

/**
 * Answers the calls `connect` posts to `endpoint` with `api`'s methods. A synchronous result is posted at
 * once; a promise when it settles; a throw or rejection as its name and message. A one-way call (id 0)
 * gets no answer: the method reports what the page must know itself (e.g. as a notice).
 */
export function expose<Api extends Methods<Api>>(endpoint: Endpoint, api: Api): void {
  const post = (message: ResultMessage | FailureMessage) => {
    if (message.id === 0) return
    try {
      endpoint.postMessage(message)
    } catch (error) {
      // A result structured cloning cannot copy: the caller still gets an answer.
      endpoint.postMessage(failure(message.id, error))
    }
  }
  endpoint.addEventListener('message', ({ data }: MessageEvent) => {
    const call = data as CallMessage
    if (call?.type !== 'call') return
    const method = Object.hasOwn(api, call.method) ? (api[call.method as keyof Api] as unknown as (...args: unknown[]) => unknown) : undefined
    if (typeof method !== 'function') return post(failure(call.id, new TypeError(`no method ${call.method}`)))
    let value: unknown
    try {
      value = method.apply(api, call.args)
    } catch (error) {
      return post(failure(call.id, error))
    }
    if (!(value instanceof Promise)) return post({ type: 'result', id: call.id, value })
    return void value.then(
      (resolved: unknown) => post({ type: 'result', id: call.id, value: resolved }),
      (error: unknown) => post(failure(call.id, error)),
    )
  })
}

/** Reports notices to the page `connect`ed to `endpoint`. */
export function notifier<Events extends Notices<Events>>(endpoint: Endpoint): <N extends keyof Events & string>(notice: N, value: Parameters<Events[N]>[0]) => void {
  return (notice, value) => endpoint.postMessage({ type: 'notice', notice, value } satisfies NoticeMessage)
}

import type { ErrorBody } from '@sequitur/sdk/protocol'

/** HTTP statuses the API answers with on failure. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 426 | 429 | 500 | 503

/** The one error type of the server: a status, a machine-readable code and optional details. */
export class ApiError extends Error {
  override name = 'ApiError'

  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  /** The JSON body a client receives. */
  toBody(): ErrorBody {
    return this.details === undefined
      ? { error: this.message, code: this.code }
      : { error: this.message, code: this.code, details: this.details }
  }
}

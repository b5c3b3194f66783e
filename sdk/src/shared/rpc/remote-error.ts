/** An error thrown in the worker, re-created on the page with the worker's `name` and `message`. */
export class RemoteError extends Error {
  constructor(name: string, message: string) {
    super(message)
    this.name = name
  }
}

/** Base of every error the worker throws; the RPC carries `name` and `message` to the loader. */
export class SequiturError extends Error {
  override name = 'SequiturError'
}

/** `track()` got an event the server would reject. */
export class InvalidEventError extends SequiturError {
  override name = 'InvalidEventError'
}

/** A call arrived before `start()` succeeded. */
export class NotStartedError extends SequiturError {
  override name = 'NotStartedError'
  constructor() {
    super('the worker has not started (start() was not called or failed)')
  }
}

/** IndexedDB failed (blocked, quota, private mode...). */
export class StorageError extends SequiturError {
  override name = 'StorageError'
}

/** Version of the wire protocol; bumped on any incompatible change to the shapes in this module. */
export const PROTOCOL_VERSION = 2

/** Hard limits shared by the SDK (which never builds a batch past them) and the server (which rejects one). */
export const LIMITS = {
  /** Most events in one `POST /v1/events` batch. */
  batchEvents: 500,
  /** Largest request body accepted by `POST /v1/events`, in bytes. */
  batchBytes: 512 * 1024,
  /** Longest id (event, item, session, user, list, site), in characters. */
  idLength: 128,
  /** Most items in one impression. */
  impressionItems: 200,
  /** Most items in one `GET /v1/rows` or one stream subscribe message. */
  itemsPerRequest: 200,
  /** Most items one stream connection may be subscribed to at once. */
  itemsPerSocket: 2000,
} as const

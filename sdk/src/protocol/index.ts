export { PROTOCOL_VERSION, LIMITS } from './limits'
export {
  EventSchema,
  ItemEventSchema,
  ImpressionEventSchema,
  IdSchema,
  ITEM_EVENT_TYPES,
  isItemEvent,
} from './event'
export type { Event, ItemEvent, ImpressionEvent, EventType } from './event'
export { BatchSchema } from './batch'
export type { Batch, Accepted, ErrorBody, FieldIssue } from './batch'
export { compareNext } from './rows'
export type { Row, ModelRow, Related, RowsAnswer, ItemAttributes } from './rows'
export {
  advancePosition,
  EPOCH_SHAPE,
  formatCursor,
  formatPosition,
  mergeCursors,
  parseCursor,
  parsePosition,
  positionOf,
  MAX_CURSOR_LENGTH,
  MAX_CURSOR_PARTITIONS,
} from './cursor'
export type { StreamPosition } from './cursor'
export { ClientMessageSchema, SubscribeSchema, UnsubscribeSchema } from './stream'
export type {
  ClientMessage,
  Subscribe,
  ServerMessage,
  HelloMessage,
  RowsMessage,
  ErrorMessage,
} from './stream'
export { CatalogItemSchema, CatalogUpsertSchema } from './catalog'
export type { CatalogItem } from './catalog'
export type { TrendingAnswer, TrendingItem } from './trending'
export type { ProfileAnswer } from './profiles'
export { dict, dictOf, fromMaps } from './dict'
export { AcceptedSchema, ErrorBodySchema, ModelRowSchema, RowsAnswerSchema, TrendingAnswerSchema, ProfileAnswerSchema, ModelAnswerSchema, HealthSchema } from './answers'
export type { ModelAnswer, ModelFigures, ModelParams } from './model'

export { createSequitur } from './loader'
export type { ChangeInfo, Consent, RerankedDetail, SdkStats, Sequitur, SequiturOptions, TrackInput } from './api'
export type { Ranked, Reason, SessionProfile, RankFeatures, SessionFeatures } from './model'
export type {
  Accepted,
  Batch,
  ClientMessage,
  ErrorBody,
  ErrorMessage,
  Event,
  EventType,
  FieldIssue,
  HelloMessage,
  ImpressionEvent,
  ItemEvent,
  ProfileAnswer,
  Row,
  RowsAnswer,
  RowsMessage,
  ServerMessage,
  Subscribe,
  TrendingAnswer,
  TrendingItem,
} from './protocol'

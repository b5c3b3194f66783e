import * as v from 'valibot'
import type { Accepted, ErrorBody } from './batch'
import type { ModelAnswer } from './model'
import type { ProfileAnswer } from './profiles'
import type { ModelRow, RowsAnswer } from './rows'
import type { TrendingAnswer } from './trending'

/**
 * The HTTP API's answers as schemas: the OpenAPI document (`GET /openapi.json`) is generated from
 * these and the request schemas, and its test checks real answers against them. The interfaces
 * the SDK reads stay where they are; `Same` below fails to compile when the two drift apart.
 */

const count = v.pipe(v.number(), v.integer(), v.minValue(0))
const pairs = v.array(v.tuple([v.string(), v.number()]))

/** `202` of `POST /v1/events`. */
export const AcceptedSchema = v.object({ accepted: count, duplicates: count })

/** Every error answer. */
export const ErrorBodySchema = v.object({ error: v.string(), code: v.string(), details: v.optional(v.unknown()) })

const ItemAttributesSchema = v.object({ category: v.optional(v.string()), price: v.optional(v.number()) })

/** One row of `GET /v1/rows` and of the stream. */
export const ModelRowSchema = v.object({
  total: v.number(),
  next: pairs,
  related: v.optional(v.object({ total: v.number(), items: pairs })),
  attrs: v.optional(v.record(v.string(), ItemAttributesSchema)),
})

/** `GET /v1/rows`. */
export const RowsAnswerSchema = v.object({ version: count, rows: v.record(v.string(), ModelRowSchema) })

/** `GET /v1/trending`. */
export const TrendingAnswerSchema = v.object({
  items: v.array(v.object({ item: v.string(), impressions: v.number(), clicks: v.number(), rate: v.number() })),
  recent: v.record(v.string(), v.number()),
})

/** `GET /v1/profiles/:user`. */
export const ProfileAnswerSchema = v.object({
  user: v.string(),
  days: v.number(),
  halfLife: v.number(),
  weight: v.number(),
  likelihoods: v.record(v.string(), v.record(v.string(), v.number())),
  numbers: v.record(v.string(), v.object({ mean: v.number(), variance: v.number(), weight: v.number() })),
})

const FiguresSchema = v.object({ hr: v.number(), mrr: v.number() })

/** `GET /v1/model` and `POST /v1/admin/validate`. */
export const ModelAnswerSchema = v.object({
  params: v.object({ depth: v.number(), decay: v.number(), repeat: v.number(), repeatDecay: v.number(), repeatPrior: v.number(), hop: v.optional(v.number(), 0) }),
  validated: v.nullable(
    v.object({ ...FiguresSchema.entries, day: v.number(), cases: v.number(), sessions: v.number(), daySessions: v.number(), defaults: FiguresSchema }),
  ),
})

/** `GET /healthz`: `version` is the model version an edge serves (absent on a processor). */
export const HealthSchema = v.object({ status: v.literal('ok'), version: v.optional(count) })

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Expect<T extends true> = T
/** Compiles only while each schema's output is its interface. Types only: nothing at run time. */
export type AnswerSchemasMatch = [
  Expect<Same<v.InferOutput<typeof AcceptedSchema>, Accepted>>,
  Expect<Same<v.InferOutput<typeof ErrorBodySchema>, ErrorBody>>,
  Expect<Same<v.InferOutput<typeof ModelRowSchema>, ModelRow>>,
  Expect<Same<v.InferOutput<typeof RowsAnswerSchema>, RowsAnswer>>,
  Expect<Same<v.InferOutput<typeof TrendingAnswerSchema>, TrendingAnswer>>,
  Expect<Same<v.InferOutput<typeof ProfileAnswerSchema>, ProfileAnswer>>,
  Expect<Same<v.InferOutput<typeof ModelAnswerSchema>, ModelAnswer>>,
]

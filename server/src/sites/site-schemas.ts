import { IdSchema } from '@sequitur/sdk/protocol'
import * as v from 'valibot'
import type { SiteView } from './site-record'

const whole = (min: number, max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  )

/** An Origin as browsers send it: scheme, host and optional port, nothing after. */
const OriginSchema = v.pipe(
  v.string('must be a string'),
  v.maxLength(200, 'must be at most 200 characters'),
  v.regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be an origin such as https://shop.example (scheme, host, optional port; no path)'),
)

const QuotaSchema = v.strictObject(
  {
    eventsPerSecond: v.optional(v.nullable(whole(1, 1_000_000))),
    burst: v.optional(whole(1, 10_000_000)),
    connections: v.optional(v.nullable(whole(1, 10_000_000))),
  },
  'must be an object with eventsPerSecond, burst and connections only',
)

const fields = {
  origins: v.optional(v.pipe(v.array(OriginSchema, 'must be an array of origins'), v.maxLength(100, 'must list at most 100 origins'))),
  quota: v.optional(QuotaSchema),
  windowDays: v.optional(whole(1, 3650)),
  topK: v.optional(whole(1, 1000)),
  retentionDays: v.optional(whole(1, 3650)),
  open: v.optional(v.boolean('must be true or false')),
}

/** The body of `POST /v1/admin/sites`. */
export const CreateSiteSchema = v.strictObject({ site: IdSchema, ...fields }, 'must be an object')

/** The body of `PATCH /v1/admin/sites/:site`: any field of a create but the site. */
export const PatchSiteSchema = v.strictObject(fields, 'must be an object')

/** The body of `POST /v1/admin/sites/:site/rotate-key`. */
export const RotateKeySchema = v.strictObject({ graceSeconds: v.optional(whole(0, 365 * 86400), 86400) }, 'must be an object')

/** What an operator asks for when creating a site. */
export type CreateSite = v.InferOutput<typeof CreateSiteSchema>
/** What an operator changes in a site. */
export type PatchSite = v.InferOutput<typeof PatchSiteSchema>

/** A site as the operator API answers it (`SiteView`); the OpenAPI document is made from it. */
export const SiteViewSchema = v.object({
  site: v.string(),
  open: v.boolean(),
  keys: v.array(v.object({ key: v.string(), expiresAt: v.optional(v.number()) })),
  origins: v.array(v.string()),
  quota: v.object({ eventsPerSecond: v.nullable(v.number()), burst: v.number(), connections: v.nullable(v.number()) }),
  settings: v.object({ windowDays: v.number(), topK: v.number(), retentionDays: v.number() }),
  createdAt: v.number(),
  updatedAt: v.number(),
})

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Expect<T extends true> = T
/** Compiles only while the schema's output is `SiteView`. */
export type SiteViewSchemaMatches = Expect<Same<v.InferOutput<typeof SiteViewSchema>, SiteView>>

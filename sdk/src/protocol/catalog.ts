import * as v from 'valibot'
import { dictSchema } from './dict-schema'
import { IdSchema } from './event'

const text = v.pipe(v.string('must be a string'), v.maxLength(200, 'must be at most 200 characters'))

/** One catalog item: what profiles and the device's scorer learn attributes from. */
export const CatalogItemSchema = v.object({
  id: IdSchema,
  category: v.optional(text),
  price: v.optional(v.pipe(v.number('must be a number'), v.finite('must be finite'), v.minValue(0, 'must not be negative'))),
  brand: v.optional(text),
  color: v.optional(text),
  /** Further attributes: text values are categorical, numbers numeric. */
  attrs: v.optional(
    v.pipe(
      dictSchema(
        v.pipe(v.string(), v.maxLength(64, 'attribute names must be at most 64 characters')),
        v.union([text, v.pipe(v.number(), v.finite())], 'must be a string or a number'),
        'must be an object of attributes',
      ),
      v.check((r) => Object.keys(r).length <= 32, 'must hold at most 32 attributes'),
    ),
  ),
})

/** The body of `PUT /v1/catalog/items`. */
export const CatalogUpsertSchema = v.object({
  items: v.pipe(
    v.array(CatalogItemSchema, 'must be an array of items'),
    v.minLength(1, 'must hold at least one item'),
    v.maxLength(1000, 'must hold at most 1000 items'),
  ),
})

/** A catalog item. */
export type CatalogItem = v.InferOutput<typeof CatalogItemSchema>

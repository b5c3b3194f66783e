import {
  AcceptedSchema,
  BatchSchema,
  CatalogItemSchema,
  CatalogUpsertSchema,
  ErrorBodySchema,
  HealthSchema,
  ModelAnswerSchema,
  PROTOCOL_VERSION,
  ProfileAnswerSchema,
  RowsAnswerSchema,
  TrendingAnswerSchema,
} from '@sequitur/sdk/protocol'
import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'
import { CreateSiteSchema, PatchSiteSchema, RotateKeySchema, SiteViewSchema } from '../sites'
import { ProfilesQuerySchema } from './profiles-route'
import { RowsQuerySchema } from './rows-route'
import { TrendingQuerySchema } from './trending-route'
import { ModelQuerySchema } from './validate-route'

type Schema = v.GenericSchema
type Auth = 'siteKey' | 'siteSecret' | 'operator'

/** One operation: its schemas, from which the document is made and against which its test checks real answers. */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI form: `{param}`. */
  path: string
  summary: string
  auth?: Auth
  query?: v.ObjectSchema<v.ObjectEntries, undefined>
  pathParams?: string[]
  body?: Schema
  /** The success status and its answer (`text` for non-JSON answers). */
  ok: { status: number; schema: Schema | 'text' }
  /** Error statuses the operation answers (each with `ErrorBody`). */
  errors: number[]
}

const Created = v.object({ ...SiteViewSchema.entries, key: v.string(), secret: v.string() })

/** Every route of the HTTP API but the WebSocket upgrade (described in the document's `info`). */
export const OPERATIONS: Operation[] = [
  { method: 'post', path: '/v1/events', summary: 'Append a batch of events (JSON or msgpack)', auth: 'siteKey', body: BatchSchema, ok: { status: 202, schema: AcceptedSchema }, errors: [400, 401, 403, 413, 415, 429, 503] },
  { method: 'get', path: '/v1/rows', summary: 'Current rows of some items', auth: 'siteKey', query: RowsQuerySchema, ok: { status: 200, schema: RowsAnswerSchema }, errors: [400, 401, 403] },
  { method: 'get', path: '/v1/trending', summary: 'Items with the highest recent take rate', auth: 'siteKey', query: TrendingQuerySchema, ok: { status: 200, schema: TrendingAnswerSchema }, errors: [400, 401, 403] },
  { method: 'get', path: '/v1/model', summary: "The site's scorer parameters and how its self-validation chose them", auth: 'siteKey', query: ModelQuerySchema, ok: { status: 200, schema: ModelAnswerSchema }, errors: [400, 401, 403] },
  { method: 'post', path: '/v1/admin/validate', summary: "Run the site's self-validation now (on its latest finished day); in Kafka mode 202 {site, requested: true} once the request is in the log", auth: 'siteSecret', query: ModelQuerySchema, ok: { status: 200, schema: ModelAnswerSchema }, errors: [400, 401, 409, 503] },
  { method: 'put', path: '/v1/catalog/items', summary: 'Add or replace catalog items', auth: 'siteSecret', query: v.object({ site: v.string() }), body: CatalogUpsertSchema, ok: { status: 200, schema: v.object({ upserted: v.number() }) }, errors: [400, 401, 413] },
  { method: 'get', path: '/v1/catalog/items/{id}', summary: 'One catalog item', auth: 'siteSecret', query: v.object({ site: v.string() }), pathParams: ['id'], ok: { status: 200, schema: CatalogItemSchema }, errors: [400, 401, 404] },
  { method: 'delete', path: '/v1/catalog/items/{id}', summary: 'Remove a catalog item', auth: 'siteSecret', query: v.object({ site: v.string() }), pathParams: ['id'], ok: { status: 200, schema: v.object({ removed: v.pipe(v.number(), v.integer(), v.minValue(1)) }) }, errors: [400, 401, 404] },
  { method: 'get', path: '/v1/profiles/{user}', summary: "A user's decayed profile", auth: 'siteSecret', query: ProfilesQuerySchema, pathParams: ['user'], ok: { status: 200, schema: ProfileAnswerSchema }, errors: [400, 401, 404] },
  { method: 'post', path: '/v1/admin/sites', summary: 'Create a site (its secret is shown only here)', auth: 'operator', body: CreateSiteSchema, ok: { status: 201, schema: Created }, errors: [400, 401, 409] },
  { method: 'get', path: '/v1/admin/sites', summary: 'List the sites', auth: 'operator', ok: { status: 200, schema: v.object({ sites: v.array(SiteViewSchema) }) }, errors: [401] },
  { method: 'get', path: '/v1/admin/sites/{site}', summary: 'One site', auth: 'operator', pathParams: ['site'], ok: { status: 200, schema: SiteViewSchema }, errors: [400, 401, 404] },
  { method: 'patch', path: '/v1/admin/sites/{site}', summary: "Change a site's origins, quota, settings or openness", auth: 'operator', pathParams: ['site'], body: PatchSiteSchema, ok: { status: 200, schema: SiteViewSchema }, errors: [400, 401, 404] },
  { method: 'delete', path: '/v1/admin/sites/{site}', summary: 'Remove a site and all its data', auth: 'operator', pathParams: ['site'], ok: { status: 200, schema: v.object({ site: v.string(), removed: v.literal(true) }) }, errors: [400, 401, 404] },
  { method: 'post', path: '/v1/admin/sites/{site}/rotate-key', summary: 'A new write key; the old one works for a grace period', auth: 'operator', pathParams: ['site'], body: RotateKeySchema, ok: { status: 200, schema: v.object({ ...SiteViewSchema.entries, key: v.string() }) }, errors: [400, 401, 404] },
  { method: 'post', path: '/v1/admin/sites/{site}/rotate-secret', summary: 'A new admin secret (shown only here)', auth: 'operator', pathParams: ['site'], ok: { status: 200, schema: v.object({ ...SiteViewSchema.entries, secret: v.string() }) }, errors: [400, 401, 404] },
  { method: 'get', path: '/healthz', summary: 'Liveness, and the model version an edge serves', ok: { status: 200, schema: HealthSchema }, errors: [] },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text)', ok: { status: 200, schema: 'text' }, errors: [] },
  { method: 'get', path: '/openapi.json', summary: 'This document', ok: { status: 200, schema: v.looseObject({ openapi: v.literal('3.1.0'), paths: v.record(v.string(), v.unknown()) }) }, errors: [] },
]

/** JSON Schema (2020-12, OpenAPI 3.1's dialect) of a request's or an answer's schema. */
function jsonSchema(schema: Schema, typeMode: 'input' | 'output'): JsonSchema {
  return toJsonSchema(schema, {
    target: 'draft-2020-12',
    typeMode,
    // Checks that JSON Schema cannot say (e.g. a custom check) stay the server's; the shape is kept.
    errorMode: 'ignore',
    // `dictSchema` (a map that keeps `__proto__` among its keys) is a custom schema: an object.
    overrideSchema: ({ valibotSchema }) => (valibotSchema.type === 'custom' ? { type: 'object' } : undefined),
  })
}

/** The security scheme (in `components.securitySchemes`) of each kind of credentials. */
const SCHEME: Record<Auth, string> = { siteKey: 'siteKey', siteSecret: 'siteSecret', operator: 'operatorToken' }

/** The OpenAPI 3.1 document of the HTTP API, made from the protocol's schemas. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  const error = { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } }
  for (const op of OPERATIONS) {
    const parameters = [
      ...(op.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(op.query?.entries ?? {}).map(([name, schema]) => {
        const { $schema: _, ...s } = jsonSchema(schema, 'input') as Record<string, unknown>
        return { name, in: 'query', required: !(schema.type === 'optional' || schema.type === 'exact_optional'), schema: s }
      }),
    ]
    const ok =
      op.ok.schema === 'text'
        ? { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }
        : { description: 'OK', content: { 'application/json': { schema: jsonSchema(op.ok.schema, 'output') } } }
    paths[op.path] ??= {}
    paths[op.path]![op.method] = {
      summary: op.summary,
      ...(op.auth ? { security: [{ [SCHEME[op.auth]]: [] }] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: op.body !== RotateKeySchema, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
      responses: { [String(op.ok.status)]: ok, ...Object.fromEntries(op.errors.map((status) => [String(status), error])) },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sequitur',
      version,
      description:
        `In-session personalization: events in, model rows out. Protocol version ${PROTOCOL_VERSION}. ` +
        '`GET /v1/stream` is a WebSocket (messages in the README, "GET /v1/stream"). A site that is not open takes its write key ' +
        'as `key` in the batch body or the query; admin routes take the site\'s secret, the operator API the operator token, as a Bearer token.',
    },
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(ErrorBodySchema, 'output') },
      securitySchemes: {
        siteKey: { type: 'apiKey', in: 'query', name: 'key', description: 'The site\'s public write key (in a batch: its `key` field)' },
        siteSecret: { type: 'http', scheme: 'bearer', description: "The site's admin secret" },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'SEQUITUR_OPERATOR_TOKEN' },
      },
    },
  }
}

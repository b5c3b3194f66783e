import * as v from 'valibot'
import { dict } from './dict'

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input)

/**
 * `v.record` that keeps every key in a `dict()`: valibot's own record silently drops `__proto__`,
 * `prototype` and `constructor`, which are fair names for a shop's attributes.
 */
export function dictSchema<TValue extends v.GenericSchema>(key: v.GenericSchema<string, string>, value: TValue, message: string) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isRecord, message),
    v.rawTransform(({ dataset, addIssue }) => {
      const input = dataset.value
      const out = dict<v.InferOutput<TValue>>()
      for (const name of Object.keys(input)) {
        const at: v.ObjectPathItem = { type: 'object', origin: 'value', input, key: name, value: input[name] }
        const checkedKey = v.safeParse(key, name)
        for (const issue of checkedKey.issues ?? []) addIssue({ message: issue.message, path: [{ ...at, origin: 'key' }] })
        const checked = v.safeParse(value, input[name])
        if (checked.success) out[name] = checked.output
        else for (const issue of checked.issues) addIssue({ message: issue.message, path: [at, ...(issue.path ?? [])] })
      }
      return out
    }),
  )
}

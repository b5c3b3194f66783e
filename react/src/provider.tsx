import { createSequitur, type Sequitur, type SequiturOptions } from '@sequitur/sdk'
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { SequiturContext } from './context.js'
import { createRankCache } from './rank-cache.js'

/**
 * Props of `SequiturProvider`: the options of `createSequitur()` (the write key as `writeKey`, since React
 * keeps `key` for itself), or an `instance` the page already started.
 */
export type SequiturProviderProps = { children?: ReactNode } & (
  | (Omit<SequiturOptions, 'key'> & {
      /** The site's public write key (`key` of `createSequitur()`); not needed for an open site. */
      writeKey?: string
      instance?: undefined
    })
  | {
      /** An instance the page started itself; the provider shares it and leaves it running on unmount. */
      instance: Sequitur
    }
)

/**
 * Starts Sequitur in the browser after the first render (never on the server) and shares it with
 * `useSequitur()` and `useRerank()` below it; destroys what it started on unmount.
 */
export function SequiturProvider(props: SequiturProviderProps): ReactNode {
  const options = props.instance ? undefined : props
  const { site, endpoint, workerUrl, autoCapture, debug, writeKey, consent } = options ?? {}
  const [started, setStarted] = useState<Sequitur | null>(null)
  const [orders] = useState(createRankCache)
  // The consent the running instance has: a new prop value is passed on, not a reason to start again.
  const applied = useRef(consent)
  const latestConsent = useRef(consent)
  latestConsent.current = consent

  useEffect(() => {
    if (site === undefined) return
    applied.current = latestConsent.current
    const sequitur = createSequitur({ site, endpoint, workerUrl, autoCapture, debug, key: writeKey, consent: applied.current })
    setStarted(sequitur)
    return () => {
      sequitur.destroy()
      setStarted(null)
    }
  }, [site, endpoint, workerUrl, autoCapture, debug, writeKey])

  useEffect(() => {
    if (!started || consent === undefined || consent === applied.current) return
    applied.current = consent
    started.consent(consent)
  }, [started, consent])

  const sequitur = props.instance ?? started
  const value = useMemo(() => ({ sequitur, orders }), [sequitur, orders])
  return <SequiturContext.Provider value={value}>{props.children}</SequiturContext.Provider>
}

import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { existsSync } from 'node:fs'
import { ApiError } from '../errors'

/** Where the built SDK and demo live. */
export interface StaticDirs {
  /** Folder holding `sdk.js` and `sdk-worker.js`. */
  sdk: string
  /** Folder holding the built demo storefront. */
  demo: string
}

const SDK_FILES = ['sdk.js', 'sdk-worker.js', 'sdk.js.map', 'sdk-worker.js.map']

/** Serves the SDK at `/sdk.js` and `/sdk-worker.js`, and the demo storefront at `/`. */
export function staticRoutes({ sdk, demo }: StaticDirs): Hono {
  const app = new Hono()
  const notBuilt = (what: string) => () => {
    throw new ApiError(404, 'not_built', `${what} is not built: run \`npm run build\``)
  }
  for (const file of SDK_FILES) {
    if (!existsSync(sdk)) {
      app.get(`/${file}`, notBuilt('the SDK'))
      continue
    }
    app.get(
      `/${file}`,
      async (c, next) => {
        // Short cache so a shop picks up a new SDK within minutes; any origin may load it.
        c.header('cache-control', 'public, max-age=300')
        c.header('access-control-allow-origin', '*')
        await next()
      },
      serveStatic({ root: sdk, path: file }),
      notBuilt(`the SDK (${file})`),
    )
  }
  if (existsSync(demo)) {
    app.get('/*', serveStatic({ root: demo }))
    app.get('/*', serveStatic({ root: demo, path: 'index.html' }))
  } else {
    app.get('/', notBuilt('the demo'))
  }
  return app
}

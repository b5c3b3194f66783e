import { launchChromium } from './chromium'
import type { Engine, EngineName, LaunchOptions } from './engine'
import { launchFirefox } from './firefox'
import { launchWebkit } from './webkit'

/** Every engine the suites know, in the order they run. */
export const ENGINES: EngineName[] = ['chromium', 'firefox', 'webkit']

/** Starts the named engine, with `options` for faults that live in the browser itself. */
export function launch(name: EngineName, options: LaunchOptions = {}): Promise<Engine> {
  if (name === 'chromium') return launchChromium(options)
  if (name === 'firefox') return launchFirefox(options)
  return launchWebkit(options)
}

/** The engines to run: SEQUITUR_ENGINES (comma-separated) or all three. */
export function selectedEngines(): EngineName[] {
  const wanted = process.env.SEQUITUR_ENGINES?.split(',').map((name) => name.trim())
  return wanted ? ENGINES.filter((name) => wanted.includes(name)) : ENGINES
}

import { launchChromium } from './chromium'
import type { Engine, EngineName } from './engine'
import { launchFirefox } from './firefox'
import { launchWebkit } from './webkit'

/** Every engine the suites know, in the order they run. */
export const ENGINES: EngineName[] = ['chromium', 'firefox', 'webkit']

/** Starts the named engine. */
export function launch(name: EngineName): Promise<Engine> {
  if (name === 'chromium') return launchChromium()
  if (name === 'firefox') return launchFirefox()
  return launchWebkit()
}

/** The engines to run: SEQUITUR_ENGINES (comma-separated) or all three. */
export function selectedEngines(): EngineName[] {
  const wanted = process.env.SEQUITUR_ENGINES?.split(',').map((name) => name.trim())
  return wanted ? ENGINES.filter((name) => wanted.includes(name)) : ENGINES
}

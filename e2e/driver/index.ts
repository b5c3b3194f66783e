// The driver seam: one Engine/Tab interface, one adapter per engine, and the processes they start.
export { launchChromium } from './chromium'
export { DRIVER_TIMEOUT_MS, FAKETIME_LIBRARY, callSource, clockEnv, withTimeout, type Engine, type EngineName, type LaunchOptions, type PageFunction, type Tab } from './engine'
export { launchFirefox } from './firefox'
export { ENGINES, launch, selectedEngines } from './launch'
export { freePort, startProcess, stopProcess, waitFor } from './processes'
export { launchWebkit } from './webkit'
export { startXvfb, type Display } from './xvfb'

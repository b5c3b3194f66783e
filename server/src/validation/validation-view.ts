import type { SiteValidation } from '../model'

/** A site's self-validation, where this mode runs it: the latest result, and a run on demand. */
export interface ValidationView {
  /** The site's latest validation (its chosen parameters), if any. */
  validation(site: string): SiteValidation | undefined
  /** Validates the site now on its last finished day of event time; `undefined` before one finished. */
  validate(site: string): SiteValidation | undefined
}

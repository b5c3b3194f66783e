import type { SiteValidation } from '../model'

/** A site's self-validation, where this mode runs it: the latest result, and a run on demand. */
export interface ValidationView {
  /** The site's latest validation (its chosen parameters), if any. */
  validation(site: string): SiteValidation | undefined
  /**
   * Validates the site now on its last finished day of event time: the result, `undefined` before a
   * day finished, or `'requested'` where the validation runs elsewhere (Kafka mode: the request is in
   * the events topic, and the result replaces `validation(site)` when the validator wrote it).
   */
  validate(site: string): SiteValidation | undefined | 'requested' | Promise<SiteValidation | undefined | 'requested'>
  /** Every site's latest validated figures (for `/metrics`). */
  validatedFigures(): Array<{ site: string; hr: number; mrr: number }>
}

/** The scorer's parameters a site's self-validation chose (see `ChannelParams` in the SDK's model). */
export interface ModelParams {
  depth: number
  decay: number
  repeat: number
  repeatDecay: number
  repeatPrior: number
  /** Weight of the second hop (0: off); absent in answers of servers before it, which means 0. */
  hop: number
}

/** HR@20 and MRR@20, as fractions. */
export interface ModelFigures {
  hr: number
  mrr: number
}

/** `GET /v1/model?site=S` and `POST /v1/admin/validate?site=S`: the site's parameters and how they were chosen. */
export interface ModelAnswer {
  params: ModelParams
  /** `null` while the site has not been validated yet (the parameters are then the defaults). */
  validated: null | (ModelFigures & {
    /** The day of event time (days since the epoch) whose sessions were scored. */
    day: number
    cases: number
    /** Sessions scored (a sample), of the day's sessions. */
    sessions: number
    daySessions: number
    /** The defaults' figures on the same cases. */
    defaults: ModelFigures
  })
}

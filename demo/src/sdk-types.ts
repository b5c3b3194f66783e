// Type-only: the page loads the SDK as a classic <script> (/sdk.js), never bundles it.
export type { ChangeInfo, Ranked, Reason, RerankedDetail, Sequitur } from '@sequitur/sdk'

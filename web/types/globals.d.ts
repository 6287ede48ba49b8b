// Globals of the web app, for `tsc --checkJs` (the JavaScript itself carries JSDoc types).
interface Window {
  /** Handles on the maps, for the browser tests and debugging. */
  openskies?: Record<string, unknown>;
}

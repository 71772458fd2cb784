/**
 * The User Timing mark the page sets when its face engine is ready (the badge says so): its time is the warm start
 * that `npm run bench:load` reports, read from the page rather than from the test driver's polling.
 */
export const ENGINE_READY_MARK = 'me-verifier:engine-ready';

/**
 * The User Timing mark the page sets when its face engine is ready (the badge says so): its time is the warm start
 * that `npm run bench:load` reports, read from the page rather than from the test driver's polling.
 */
export const ENGINE_READY_MARK = 'me-verifier:engine-ready';

/**
 * The steps of an engine's start, marked where they happen (page or worker) so `npm run bench:load` can say where
 * a warm start's time goes. Each worker mark is taken on the worker's own clock (`performance.timeOrigin` differs).
 */
export const ENGINE_STAGE_MARKS = {
	/** Page: the page asked its worker for the engine. */
	requested: 'me-verifier:engine-requested',
	/** Worker: its own small script runs (engine-worker.ts). */
	workerScript: 'me-verifier:worker-script',
	/** Worker: the engine's modules (tfjs, Human) have been fetched, compiled and evaluated. */
	workerRunning: 'me-verifier:worker-running',
	/** Worker: tfjs' backend started (the WASM module compiled, its threads spawned). */
	backendReady: 'me-verifier:backend-ready',
	/** Worker: Human's detector models loaded. */
	modelsLoaded: 'me-verifier:models-loaded',
	/** Worker: the descriptor's weights loaded. */
	embedderLoaded: 'me-verifier:embedder-loaded',
	/** Worker: the warm-up's detection ran (on a grey image). */
	warmDetected: 'me-verifier:warm-detected',
	/** Worker: one detection and one embedding ran (the warm-up that builds every kernel once). */
	warm: 'me-verifier:warm',
	/** Worker: FaceMesh's graph ran once (after the engine said ready: a grey image has no face for it). */
	meshWarm: 'me-verifier:facemesh-warm'
} as const;

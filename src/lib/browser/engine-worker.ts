/**
 * The face engine's worker, started by the page (browser-engine.ts). This script only imports the engine
 * (engine-requests.ts: tfjs, Human, about 1.5 MB): the browser keeps compiled code for modules a worker imports,
 * not for the worker's own script, and compiling that code afresh was about 50 ms of every warm start (issue 12).
 * Requests that arrive while it loads wait, in order.
 */
import type { EngineMessage } from './engine-protocol';
import type { ENGINE_STAGE_MARKS } from './engine-ready-mark';

// No runtime import here: the mark is this script's first work, before any module is fetched or evaluated
// (tests/security/web.test.ts checks the build).
const WORKER_SCRIPT_MARK: (typeof ENGINE_STAGE_MARKS)['workerScript'] = 'me-verifier:worker-script';
performance.mark(WORKER_SCRIPT_MARK);

const scope = self as unknown as { onmessage: ((event: MessageEvent<EngineMessage>) => void) | null };
const early: MessageEvent<EngineMessage>[] = [];
scope.onmessage = (event) => early.push(event);
// A failed import is an uncaught error here: the page's worker error handler reports the engine as unavailable.
const { handleRequest } = await import('./engine-requests');
scope.onmessage = handleRequest;
for (const event of early.splice(0)) handleRequest(event);

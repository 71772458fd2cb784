/**
 * What the face engine's worker does (engine-worker.ts loads this module): the page posts requests
 * (engine-protocol.ts), this answers each with its id. Loading the models, compiling the WASM backend and every
 * detection run here, off the page's main thread.
 */

import { CoreError } from '../core/errors';
import { probeBackends } from './backend';
import { engineHost } from './engine-host';
import {
	errorReply,
	type EngineAnswers,
	type EngineMessage,
	type EngineReply,
	type EngineRequest
} from './engine-protocol';
import { engineFiles } from './offline-models';
import { threadsOf } from './wasm-threads';
import { ENGINE_STAGE_MARKS } from './engine-ready-mark';

performance.mark(ENGINE_STAGE_MARKS.workerRunning);
const host = engineHost();

async function answer(request: EngineRequest): Promise<EngineAnswers[EngineRequest['op']]> {
	switch (request.op) {
		case 'start': {
			const { engine, backend, support, failures } = await host.start(request.embedder, request.start);
			return {
				info: engine.info,
				backend,
				support,
				failures,
				threads: threadsOf(backend),
				files: engineFiles()
			};
		}
		// Only on an engine the page started here: a worker started afresh has none, and must not choose a backend
		// without the page's choice.
		case 'detect':
			return (await host.running(request.embedder)).engine.detect(request.image);
		case 'embed':
			return (await host.running(request.embedder)).engine.embed(request.image, request.face);
		case 'dispose':
			await host.dispose(request.embedder);
			return null;
		case 'probe':
			return probeBackends();
		default:
			throw new CoreError(
				'BAD_REQUEST',
				`unknown request ${JSON.stringify((request as { op?: unknown }).op)}`
			);
	}
}

const scope = self as unknown as { postMessage(message: EngineReply): void };

/** Posts the reply; one that cannot be sent (a value that does not clone) becomes an error reply, never silence. */
function reply(message: EngineReply): void {
	try {
		scope.postMessage(message);
	} catch (error) {
		scope.postMessage(errorReply(message.id, error));
	}
}

/** Answers one request from the page. */
export function handleRequest({ data }: MessageEvent<EngineMessage>): void {
	const { id, ...request } = data;
	answer(request as EngineRequest).then(
		(value) => reply({ id, ok: true, value }),
		(error: unknown) => reply(errorReply(id, error))
	);
}

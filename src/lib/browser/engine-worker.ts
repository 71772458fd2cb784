/**
 * The face engine's worker: the page posts requests (engine-protocol.ts), this answers each with its id. Loading
 * the models, compiling the WASM backend and every detection run here, off the page's main thread.
 */
import { isCoreError } from '../core/errors';
import { probeBackends } from './backend';
import { engineHost } from './engine-host';
import type { EngineAnswers, EngineMessage, EngineReply, EngineRequest } from './engine-protocol';
import { engineFiles } from './offline-models';
import { threadsOf } from './tf-backend';

const host = engineHost();

async function answer(request: EngineRequest): Promise<EngineAnswers[EngineRequest['op']]> {
	switch (request.op) {
		case 'start': {
			const { engine, backend, support, failures } = await host.get(request.embedder, request.start);
			return {
				info: engine.info,
				backend,
				support,
				failures,
				threads: threadsOf(backend),
				files: engineFiles()
			};
		}
		case 'detect':
			return (await host.get(request.embedder)).engine.detect(request.image);
		case 'embed':
			return (await host.get(request.embedder)).engine.embed(request.image, request.face);
		case 'dispose':
			await (await host.get(request.embedder)).engine.dispose();
			return null;
		case 'probe':
			return probeBackends();
	}
}

const scope = self as unknown as {
	onmessage: ((event: MessageEvent<EngineMessage>) => void) | null;
	postMessage(message: EngineReply): void;
};

scope.onmessage = ({ data }) => {
	const { id, ...request } = data;
	answer(request as EngineRequest).then(
		(value) => scope.postMessage({ id, ok: true, value }),
		(error: unknown) =>
			scope.postMessage({
				id,
				ok: false,
				error: {
					code: isCoreError(error) ? error.code : 'INTERNAL',
					message: error instanceof Error ? error.message : String(error)
				}
			})
	);
};

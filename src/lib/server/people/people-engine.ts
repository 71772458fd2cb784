import type { FaceEngine } from '../../core/face-engine';
import { embedderMeta } from '../../core/embedders';
import { matchPolicyFor, type MatchPolicy } from '../../core/gallery';
import type { ServerConfig } from '../config';
import type { EmbedderRef, Store } from '../db';
import { engineFor } from '../node-engine';

/**
 * People recognition and face login use the embedder their thresholds were calibrated for
 * (PEOPLE_EMBEDDER), from the engine registry: the verifier's engine when the embedders are the same,
 * else a second one on the same WASM backend, loaded on first use.
 */
export function peopleEngine(config: ServerConfig): Promise<FaceEngine> {
	return engineFor(config.peopleEmbedder, { flipWorker: config.flipWorker });
}

/** The people embedder's identity without loading it: listing people must not wait for the models. */
export function configuredModel(config: Pick<ServerConfig, 'peopleEmbedder'>): EmbedderRef {
	const id = config.peopleEmbedder;
	return { embedder: id, version: embedderMeta(id).version };
}

/**
 * Loads the galleries (registered people, face-login users) once at start, in pages, so that the first
 * recognition or login does not wait for it; afterwards a replica only reloads who changed. People are not
 * loaded where the pgvector index serves 1:N (PG_VECTOR_INDEX=on).
 */
export async function warmGalleries(config: ServerConfig, store: Store): Promise<void> {
	const model = configuredModel(config);
	await Promise.all([store.people.warm(model), store.users.gallery(model)]);
}

export function modelOf(engine: FaceEngine): EmbedderRef {
	return { embedder: engine.info.embedder, version: engine.info.embedderVersion };
}

export function policyOf(engine: FaceEngine): MatchPolicy {
	return matchPolicyFor(engine.info.embedder);
}

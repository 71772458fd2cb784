import type { FaceEngine } from '../../core/engine';
import { DEFAULT_EMBEDDER, embedderMeta } from '../../core/embedders';
import { matchPolicyFor, type MatchPolicy } from '../../core/gallery';
import { getConfig } from '../config';
import { getStore, type EmbedderRef } from '../db';
import { createServerEngine } from '../engine';
import { startEngine } from '../verifier';

/**
 * People recognition and face login use the embedder their thresholds were calibrated for
 * (PEOPLE_EMBEDDER). When it is the verifier's embedder the one engine is shared; otherwise a second
 * engine runs beside it on the same WASM backend, loaded on first use.
 */
let separate: Promise<FaceEngine> | null = null;

export function getPeopleEngine(): Promise<FaceEngine> {
	const config = getConfig();
	if (config.peopleEmbedder === (config.embedder ?? DEFAULT_EMBEDDER)) return startEngine();
	separate ??= createServerEngine({ embedder: config.peopleEmbedder }).catch((error: unknown) => {
		separate = null;
		console.error('[me-verifier] people face engine failed to load:', error);
		throw error;
	});
	return separate;
}

/** The people embedder's identity without loading it: listing people must not wait for the models. */
export function configuredModel(): EmbedderRef {
	const id = getConfig().peopleEmbedder;
	return { embedder: id, version: embedderMeta(id).version };
}

/**
 * Loads the galleries (registered people, face-login users) once at start, in pages, so that the first
 * recognition or login does not wait for it; afterwards a replica only reloads who changed. People are not
 * loaded where the pgvector index serves 1:N (PG_VECTOR_INDEX=on).
 */
export async function warmGalleries(): Promise<void> {
	const store = await getStore();
	const model = configuredModel();
	await Promise.all([store.people.warm(model), store.users.gallery(model)]);
}

export function modelOf(engine: FaceEngine): EmbedderRef {
	return { embedder: engine.info.embedder, version: engine.info.embedderVersion };
}

export function policyOf(engine: FaceEngine): MatchPolicy {
	return matchPolicyFor(engine.info.embedder);
}

import type { FaceEngine } from '../../core/engine';
import { embedderMeta, type EmbedderId } from '../../core/embedders';
import { matchPolicyFor, type MatchPolicy } from '../../core/gallery';
import { createEngineOn } from '../engine';
import { engineState } from '../engine-state.svelte';

/**
 * People recognition runs on the verifier's embedder (`dlib-resnet128`), whose 1:N thresholds are
 * FAR-calibrated and which is the server's PEOPLE_EMBEDDER default, so the device and server modes name
 * the same faces and the page loads no second network. Another embedder would run beside the verifier's
 * engine on the backend it chose, sharing tfjs and Human's model cache.
 */
export const PEOPLE_EMBEDDER: EmbedderId = 'dlib-resnet128';

/** The model identity stored with every embedding, known before the engine loads. */
export const PEOPLE_MODEL = {
	embedder: PEOPLE_EMBEDDER,
	embedderVersion: embedderMeta(PEOPLE_EMBEDDER).version
};

export interface PeopleEngine {
	engine: FaceEngine;
	policy: MatchPolicy;
	backend: string;
}

async function startPeopleEngine(): Promise<PeopleEngine> {
	const shared = await engineState.ready();
	if (shared.engine.info.embedder === PEOPLE_EMBEDDER) {
		return { engine: shared.engine, policy: matchPolicyFor(PEOPLE_EMBEDDER), backend: shared.backend };
	}
	const engine = await createEngineOn(shared.backend, PEOPLE_EMBEDDER);
	return { engine, policy: matchPolicyFor(PEOPLE_EMBEDDER), backend: shared.backend };
}

let started: Promise<PeopleEngine> | null = null;

/** One people engine per page load; a failed start may be retried. */
export function getPeopleEngine(): Promise<PeopleEngine> {
	started ??= startPeopleEngine().catch((error: unknown) => {
		started = null;
		throw error;
	});
	return started;
}

import type { FaceEngine } from '../../core/face-engine';
import { embedderMeta, type EmbedderId } from '../../core/embedders';
import { matchPolicyFor, type MatchPolicy } from '../../core/gallery';
import { engineState } from '../engine-state.svelte';

/**
 * People recognition runs on the verifier's embedder (`dlib-resnet128`), whose 1:N thresholds are
 * FAR-calibrated and which is the server's PEOPLE_EMBEDDER default, so the device and server modes name
 * the same faces and the page loads no second network: the engine registry hands out the verifier's engine.
 * Another embedder would be loaded once beside it, on the backend it chose.
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

/** The People page's engine, from the page's engine registry (loaded once; a failed start may be retried). */
export async function getPeopleEngine(): Promise<PeopleEngine> {
	const { engine, backend } = await engineState.readyFor(PEOPLE_EMBEDDER);
	return { engine, policy: matchPolicyFor(PEOPLE_EMBEDDER), backend };
}

import { CoreError } from '../core/errors';
import type { FaceEngine } from '../core/engine';
import { assertModelMatchesEngine, decide } from '../core/pipeline';
import type { Box } from '../core/types';
import { toSourceBox } from '../core/use-cases/source-box';
import { verifyImage } from '../core/use-cases/verify';
import { checkUploadedFrames, livenessSummary, type LivenessUpload, type SignedChallenge } from './liveness';

import { getConfig, type ServerConfig } from './config';
import { decodeImage } from './decode';
import { engineFor } from './engine';
import { ModelStore } from './model-store';

/** Server-side "is this me?": one engine, one model file, shared by every request of this process. */

let engine: FaceEngine | null = null;
let engineError: Error | null = null;
let enginePromise: Promise<FaceEngine> | null = null;
let store: ModelStore | null = null;

export function startEngine(): Promise<FaceEngine> {
	enginePromise ??= engineFor().then(
		(loaded) => {
			engine = loaded;
			return loaded;
		},
		(error: Error) => {
			engineError = error;
			console.error('[me-verifier] face engine failed to load:', error);
			throw new CoreError('ENGINE_UNAVAILABLE', 'The face engine failed to load; see the server log.');
		}
	);
	return enginePromise;
}

function modelStore(config: ServerConfig): ModelStore {
	if (store?.path !== config.modelPath) store = new ModelStore(config.modelPath, () => engine?.info ?? null);
	return store;
}

export type Health =
	| { status: 'ok'; model_version: string; embedder: string; backend: string }
	| { status: 'unhealthy'; reason: string; embedder?: string; backend?: string };

export async function health(config = getConfig()): Promise<Health> {
	if (!engine) {
		return {
			status: 'unhealthy',
			reason: engineError ? 'face engine failed to load' : 'face engine is loading'
		};
	}
	const { model, error } = await modelStore(config).refresh();
	const { embedder, backend } = engine.info;
	if (!model) return { status: 'unhealthy', reason: error?.message ?? 'no model loaded', embedder, backend };
	return { status: 'ok', model_version: model.model_version, embedder, backend };
}

/** POST /verify's answer: for the main face; the box in the uploaded image's pixels. */
export interface VerifyResponse extends ReturnType<typeof rounded> {
	box: Box;
	faces_count: number;
}

/** "Is this me?" on the decision frame of a passed liveness challenge (frames captured during the challenge). */
export async function verifyLiveFrames(
	challenge: SignedChallenge,
	upload: LivenessUpload,
	startedAt: number,
	config = getConfig()
): Promise<VerifyResponse & { liveness: ReturnType<typeof livenessSummary> }> {
	const loaded = await startEngine();
	const model = await modelStore(config).require();
	assertModelMatchesEngine(model, loaded);
	const live = await checkUploadedFrames(loaded, challenge, upload);
	const { embedding, face, image } = live.decision!;
	const result = decide(model, embedding, config.verifyThreshold ?? model.threshold.value);
	return {
		...rounded(result, model.model_version, startedAt),
		box: toSourceBox(face.box, image),
		faces_count: 1,
		liveness: livenessSummary(live)
	};
}

function rounded(result: ReturnType<typeof decide>, modelVersion: string, startedAt: number) {
	return {
		model_version: modelVersion,
		is_me: result.isMe,
		score: Number(result.score.toFixed(6)),
		threshold: result.threshold,
		far_estimate: result.farEstimate === null ? null : Number(result.farEstimate.toPrecision(2)),
		mode: result.mode,
		timing_ms: Number((performance.now() - startedAt).toFixed(2))
	};
}

export async function verifyBytes(
	bytes: Uint8Array,
	startedAt: number,
	config = getConfig()
): Promise<VerifyResponse> {
	const loaded = await startEngine();
	const model = await modelStore(config).require();
	const image = await decodeImage(bytes, { maxSide: config.maxImageSide, maxPixels: config.maxImagePixels });
	const { verdicts, facesFound } = await verifyImage(loaded, model, image, {
		threshold: config.verifyThreshold ?? undefined,
		mainOnly: true
	});
	const [main] = verdicts;
	return { ...rounded(main, model.model_version, startedAt), box: main.box, faces_count: facesFound };
}

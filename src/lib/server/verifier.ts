import { CoreError } from '../core/errors';
import type { FaceEngine } from '../core/face-engine';
import { assertModelMatchesEngine, decide } from '../core/pipeline';
import type { Box } from '../core/types';
import { toSourceBox } from '../core/use-cases/source-box';
import { verifyImage } from '../core/use-cases/verify';
import { checkUploadedFrames, livenessSummary, type LivenessUpload, type SignedChallenge } from './liveness';

import type { ServerConfig } from './config';
import { decodeUpload } from './decode';
import { engineFor } from './node-engine';
import { ModelStore } from './model-store';

/**
 * Server-side "is this me?": the configured embedder's engine (from the process's registry) and one model
 * file, shared by every request of the services that built it.
 */
export class Verifier {
	private engine: FaceEngine | null = null;
	private engineError: Error | null = null;
	private enginePromise: Promise<FaceEngine> | null = null;
	readonly models: ModelStore;

	constructor(private readonly config: ServerConfig) {
		this.models = new ModelStore(config.modelPath, () => this.engine?.info ?? null);
	}

	/** Loads (once) the engine; ENGINE_UNAVAILABLE, logged, when it cannot be. */
	start(): Promise<FaceEngine> {
		this.enginePromise ??= engineFor(this.config.embedder ?? undefined, {
			flipWorker: this.config.flipWorker
		}).then(
			(loaded) => {
				this.engine = loaded;
				return loaded;
			},
			(error: Error) => {
				this.engineError = error;
				console.error('[me-verifier] face engine failed to load:', error);
				throw new CoreError('ENGINE_UNAVAILABLE', 'The face engine failed to load; see the server log.');
			}
		);
		return this.enginePromise;
	}

	async health(): Promise<Health> {
		const engine = this.engine;
		if (!engine) {
			return {
				status: 'unhealthy',
				reason: this.engineError ? 'face engine failed to load' : 'face engine is loading'
			};
		}
		const { model, error } = await this.models.refresh();
		const { embedder, backend } = engine.info;
		if (!model)
			return { status: 'unhealthy', reason: error?.message ?? 'no model loaded', embedder, backend };
		return { status: 'ok', model_version: model.model_version, embedder, backend };
	}

	/** "Is this me?" on the decision frame of a passed liveness challenge (frames captured during the challenge). */
	async verifyLiveFrames(
		challenge: SignedChallenge,
		upload: LivenessUpload,
		startedAt: number
	): Promise<VerifyResponse & { liveness: ReturnType<typeof livenessSummary> }> {
		const loaded = await this.start();
		const model = await this.models.require();
		assertModelMatchesEngine(model, loaded);
		const live = await checkUploadedFrames(loaded, challenge, upload);
		const { embedding, face, image } = live.decision!;
		const result = decide(model, embedding, this.config.verifyThreshold ?? model.threshold.value);
		return {
			...rounded(result, model.model_version, startedAt),
			box: toSourceBox(face.box, image),
			faces_count: 1,
			liveness: livenessSummary(live)
		};
	}

	/** POST /verify with one photo: the main face's verdict. */
	async verifyBytes(bytes: Uint8Array, startedAt: number): Promise<VerifyResponse> {
		const { config } = this;
		const loaded = await this.start();
		const model = await this.models.require();
		const image = await decodeUpload(bytes, config);
		const { verdicts, facesFound } = await verifyImage(loaded, model, image, {
			threshold: config.verifyThreshold ?? undefined,
			mainOnly: true
		});
		const [main] = verdicts;
		return { ...rounded(main, model.model_version, startedAt), box: main.box, faces_count: facesFound };
	}
}

export type Health =
	| { status: 'ok'; model_version: string; embedder: string; backend: string }
	| { status: 'unhealthy'; reason: string; embedder?: string; backend?: string };

/** POST /verify's answer: for the main face; the box in the uploaded image's pixels. */
export interface VerifyResponse extends ReturnType<typeof rounded> {
	box: Box;
	faces_count: number;
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

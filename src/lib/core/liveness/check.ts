import type { FaceEngine } from '../face-engine';
import { cosine } from '../gallery/vector';
import type { DetectedFace, Embedding, PixelImage } from '../types';
import { cryptoWords, randomBelow, type LivenessAction, type RandomWords } from './actions';
import type { LivenessChallenge } from './challenge';
import { actionFaceThreshold } from './same-face';
import {
	frameTimesAreContinuous,
	judgeChallenge,
	type FrameObservation,
	type LivenessFailure,
	type LivenessJudgement
} from './judge';

export interface CapturedFrame {
	/** ms since the capture started, as the capturing device measured it. */
	t: number;
	image: PixelImage;
}

export interface LivenessCheckOptions {
	/** Epoch ms at which the frames arrived. */
	now: number;
	/** Least cosine between the decision frame and every other embedded frame (same person). */
	sameFaceThreshold: number;
	/** Least cosine between the decision frame and each frame that shows an action (any pose). */
	actionFaceThreshold?: number;
	/** Frames beyond the action frames embedded at random, so spliced frames cannot hide between them. */
	spotChecks?: number;
	/** Clock difference tolerated between the device's capture times and the server's. */
	clockSlackMs?: number;
	words?: RandomWords;
}

export interface LivenessResult extends LivenessJudgement {
	nonce: string;
	/** The decision frame, its face and embedding, when the challenge passed. */
	decision: { image: PixelImage; face: DetectedFace; embedding: Embedding } | null;
	/** Lowest same-face cosine seen among the embedded frames (null when none were embedded). */
	minSameFace: number | null;
	/** When passed: the frame each step was seen done in, with its face (an enrolment keeps the poses). */
	stepFrames: { action: LivenessAction; image: PixelImage; face: DetectedFace }[];
}

const DEFAULT_SPOT_CHECKS = 2;
const DEFAULT_CLOCK_SLACK_MS = 2000;

/** Head pose off the decision frame's beyond which embeddings of one person drift apart (degrees). */
const COMPARABLE_POSE = { yaw: 20, pitch: 15 };

/**
 * Frames whose face is compared with the decision frame's: for each step, the frame of the stretch in which
 * it was done closest in pose to the decision frame (so every action was done by the same person, while
 * extreme poses, which embed poorly, are avoided where the stretch allows), plus `spotChecks` comparable
 * frames drawn at random. A stretch's pick is compared whatever its pose, and is never the decision frame
 * itself. When it was compared only if its pose was comparable, an attacker who sends the frames could do
 * the challenge turned 25 degrees away from the camera and splice in one frontal still of the victim: the
 * still became the decision frame, no other frame was comparable with it, nothing at all was compared, and
 * the login decided on the victim's face.
 */
function identityFrames(
	judgement: LivenessJudgement,
	observations: FrameObservation[],
	spotChecks: number,
	words: RandomWords
): number[] {
	const best = judgement.bestFrame;
	const motionAt = (i: number) => observations[i].faces[judgement.track[i]]?.motion;
	const ref = motionAt(best);
	const offPose = (i: number): number => {
		const m = motionAt(i);
		if (judgement.track[i] < 0) return Infinity;
		if (!m || !ref) return 0;
		return Math.max(
			Math.abs(m.yaw - ref.yaw) / COMPARABLE_POSE.yaw,
			Math.abs(m.pitch - ref.pitch) / COMPARABLE_POSE.pitch
		);
	};
	const chosen = new Set<number>();
	let from = 0;
	for (const step of judgement.steps) {
		const to = step.frame ?? observations.length - 1;
		let pick = -1;
		// The decision frame itself proves nothing about who did the step: it is never its stretch's pick.
		for (let i = from; i <= to; i++) if (i !== best && (pick < 0 || offPose(i) < offPose(pick))) pick = i;
		if (pick >= 0 && Number.isFinite(offPose(pick))) chosen.add(pick);
		from = to;
	}
	const comparable = observations.flatMap((_, i) => (i !== best && offPose(i) <= 1 ? [i] : []));
	for (let n = 0; n < spotChecks && comparable.length > 0; n++)
		chosen.add(comparable[randomBelow(comparable.length, words)]);
	chosen.delete(best);
	return [...chosen].sort((a, b) => a - b);
}

/** Detects every frame in order (the engine serialises its own calls). */
export async function observeFrames(
	engine: FaceEngine,
	frames: CapturedFrame[]
): Promise<FrameObservation[]> {
	const out: FrameObservation[] = [];
	for (const frame of frames) out.push({ t: frame.t, faces: await engine.detect(frame.image) });
	return out;
}

/**
 * What fails a challenge before any face is looked at: an expired challenge, or frame times that are not a
 * continuous capture or span more time than has passed since the challenge was issued. Cheap and image-free, so the
 * server answers it before decoding a frame: a request with 160 large frames and made-up times costs no face work.
 */
export function failureBeforeFaces(
	challenge: Pick<LivenessChallenge, 'issuedAt' | 'expiresAt'>,
	times: readonly number[],
	options: Pick<LivenessCheckOptions, 'now' | 'clockSlackMs'>
): LivenessFailure | null {
	if (options.now > challenge.expiresAt) return 'expired';
	if (!frameTimesAreContinuous(times)) return 'bad_frames';
	const span = times.length > 0 ? times[times.length - 1] - times[0] : 0;
	if (span > options.now - challenge.issuedAt + (options.clockSlackMs ?? DEFAULT_CLOCK_SLACK_MS))
		return 'bad_frames';
	return null;
}

/**
 * The liveness use-case, one function for browser, server and evaluation: is the challenge still valid,
 * did the frames show its actions in order and on time, and is it the same person throughout? The last is
 * checked by embedding the decision frame, the most frontal frame of each step and a few frames drawn at
 * random, and comparing each with the decision frame. A passed result carries the decision frame's embedding, so a
 * login or a verification decides on a frame captured during the challenge.
 */
export async function checkLiveness(
	engine: FaceEngine,
	challenge: Pick<LivenessChallenge, 'nonce' | 'actions' | 'stepMs' | 'issuedAt' | 'expiresAt'>,
	frames: CapturedFrame[],
	options: LivenessCheckOptions
): Promise<LivenessResult> {
	const empty = { nonce: challenge.nonce, decision: null, minSameFace: null, stepFrames: [] };
	const refuse = (failure: LivenessFailure): LivenessResult => ({
		...empty,
		passed: false,
		failure,
		failedStep: null,
		failedFrame: null,
		steps: challenge.actions.map((action) => ({ action, doneAt: null, frame: null, evidence: [] })),
		track: [],
		bestFrame: 0
	});
	const early = failureBeforeFaces(
		challenge,
		frames.map((f) => f.t),
		options
	);
	if (early) return refuse(early);

	const observations = await observeFrames(engine, frames);
	const judgement = judgeChallenge(challenge.actions, challenge.stepMs, observations);
	if (!judgement.passed) return { ...empty, ...judgement };

	const faceAt = (i: number) => observations[i].faces[judgement.track[i]];
	const best = judgement.bestFrame;
	const decisionEmbedding = await engine.embed(frames[best].image, faceAt(best));
	const similarityAt = async (i: number) =>
		cosine(decisionEmbedding, await engine.embed(frames[i].image, faceAt(i)));
	const toCheck = identityFrames(
		judgement,
		observations,
		options.spotChecks ?? DEFAULT_SPOT_CHECKS,
		options.words ?? cryptoWords
	);
	// The frames that show each action are compared too, at the looser cross-pose threshold, and without the
	// neighbour fallback (a neighbour could be a still of the victim): whoever turned, nodded, opened the
	// mouth or shut the eyes must be the person of the decision frame. The best of a step's frames counts.
	const actionThreshold = options.actionFaceThreshold ?? actionFaceThreshold(engine.info);
	const changed = (frame: number, similarity: number): LivenessResult => ({
		...empty,
		...judgement,
		passed: false,
		failure: 'identity_changed',
		failedFrame: frame,
		minSameFace: similarity
	});
	for (const step of judgement.steps) {
		const shown = step.evidence.filter((i) => i >= 0 && i !== best && judgement.track[i] >= 0);
		if (shown.length === 0) continue;
		let similarity = -1;
		for (const i of shown) similarity = Math.max(similarity, await similarityAt(i));
		if (similarity < actionThreshold) return changed(shown[0], similarity);
	}
	const threshold = options.sameFaceThreshold;
	let minSameFace = 1;
	for (const i of toCheck) {
		let similarity = await similarityAt(i);
		// One frame can embed badly (0.87 once on tv_real, whose median is 0.985): a frame fails only when its
		// tracked neighbours fail too. A spliced stretch of another person fails all three.
		for (const j of [i - 1, i + 1]) {
			if (similarity >= threshold) break;
			// Never the decision frame itself (cosine 1): a frame next to a spliced decision frame would always pass.
			if (j >= 0 && j < frames.length && j !== best && judgement.track[j] >= 0)
				similarity = Math.max(similarity, await similarityAt(j));
		}
		minSameFace = Math.min(minSameFace, similarity);
		if (similarity < threshold) return changed(i, minSameFace);
	}
	return {
		...empty,
		...judgement,
		decision: { image: frames[best].image, face: faceAt(best), embedding: decisionEmbedding },
		minSameFace,
		stepFrames: judgement.steps.map((s) => ({
			action: s.action,
			image: frames[s.frame!].image,
			face: faceAt(s.frame!)
		}))
	};
}

import type { FaceEngine } from '../../core/engine';
import {
	baselineOf,
	cryptoWords,
	POSE_ACTIONS,
	poseOf,
	randomBelow,
	type CapturedFrame,
	type LivenessAction,
	type LivenessChallenge,
	type LivenessResult,
	type RandomWords
} from '../../core/liveness';
import { pickMainFace } from '../../core/pipeline';
import { assessQuality, type QualityThresholds } from '../../core/quality';
import type { DetectedFace, FaceMotion, PixelImage } from '../../core/types';

/** Guided enrolment: look straight (the start), then the four turns in a random order, plus one blink. */

export const GUIDED_STEP_MS = 4000;
/** Reading the instructions, five steps and the check. */
const GUIDED_TTL_MS = 60_000;

function hex(words: Uint32Array): string {
	return Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('');
}

/**
 * The four head turns shuffled (Fisher-Yates on the CSPRNG) and a blink at a random place, so the order
 * cannot be prepared in advance; with `faceActions` off (a user setting), the turns only.
 */
export function guidedChallenge(
	now: number,
	faceActions = true,
	words: RandomWords = cryptoWords
): LivenessChallenge {
	const turns = [...POSE_ACTIONS];
	for (let i = turns.length - 1; i > 0; i--) {
		const j = randomBelow(i + 1, words);
		[turns[i], turns[j]] = [turns[j], turns[i]];
	}
	const actions: LivenessAction[] = turns;
	if (faceActions) actions.splice(randomBelow(turns.length + 1, words), 0, 'blink');
	return {
		nonce: hex(words(4)),
		actions,
		stepMs: GUIDED_STEP_MS,
		issuedAt: now,
		expiresAt: now + GUIDED_TTL_MS
	};
}

export interface PoseShot {
	pose: 'straight' | LivenessAction;
	image: PixelImage;
	face: DetectedFace;
	sharpness: number;
}

/** Frames looked at after the one where a turn was first seen held: the turn is at its widest there. */
const POSE_WINDOW = 4;

/**
 * The photos to enrol from a passed guided capture: the decision frame (straight) and, for each turn, the
 * sharpest frame near the one where it was seen that still shows that turn and passes the quality gates.
 * A turn with no frame passing the gates is left out (the caller says so).
 */
export async function bestPoseShots(
	engine: FaceEngine,
	result: LivenessResult,
	frames: CapturedFrame[],
	thresholds: QualityThresholds
): Promise<PoseShot[]> {
	if (!result.passed || !result.decision) return [];
	const shots: PoseShot[] = [];
	const straight = assessQuality(result.decision.image, result.decision.face, thresholds);
	if (straight.ok)
		shots.push({
			pose: 'straight',
			image: result.decision.image,
			face: result.decision.face,
			sharpness: straight.sharpness
		});
	const reference = result.decision.face.motion;
	const base = reference ? baselineOf([reference as FaceMotion]) : null;
	for (const step of result.steps) {
		if (!POSE_ACTIONS.includes(step.action) || step.frame === null || !base) continue;
		let best: PoseShot | null = null;
		for (let i = step.frame; i < Math.min(frames.length, step.frame + POSE_WINDOW); i++) {
			const { image } = frames[i];
			const faces = await engine.detect(image);
			if (faces.length === 0) continue;
			const face = pickMainFace(faces, image);
			if (!face.motion || poseOf(face.motion, base)?.action !== step.action) continue;
			const quality = assessQuality(image, face, thresholds);
			if (quality.ok && (!best || quality.sharpness > best.sharpness))
				best = { pose: step.action, image, face, sharpness: quality.sharpness };
		}
		if (best) shots.push(best);
	}
	return shots;
}

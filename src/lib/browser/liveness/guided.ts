import type { FaceEngine } from '../../core/face-engine';
import {
	baselineOf,
	POSE_ACTIONS,
	poseOf,
	type CapturedFrame,
	type LivenessAction,
	type LivenessResult
} from '../../core/liveness';
import { pickMainFace } from '../../core/pipeline';
import { assessQuality, type QualityThresholds } from '../../core/quality';
import type { DetectedFace, FaceMotion, PixelImage } from '../../core/types';

/**
 * Guided enrolment: the challenge is the core's createEnrolmentChallenge (look straight, every head movement
 * in a random order, one blink or open mouth at a random place), the same one the server asks for.
 */

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

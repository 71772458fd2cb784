import type { FaceMotion } from '../types';
import type { LivenessAction } from './actions';

/**
 * Thresholds for "the action happened", measured on the shared bona fide clips (tests/liveness and
 * `npm run eval:liveness`): deliberate turns reach 25-45 degrees of yaw and nods 20-30 degrees of pitch;
 * talking moves pitch by up to 10 degrees and opens the mouth to 0.45 of its width (0.69 once); an open
 * eye's aspect ratio is 0.2-0.4, and a blink at 10 frames per second shows as a dip of one or two frames to
 * 0.45-0.8 of it (the mesh smooths the lids: it never reads an eye as fully shut).
 */
export const MOTION_LIMITS = {
	turnDegrees: 18,
	lookDegrees: 12,
	mouthOpen: 0.5,
	mouthRise: 0.3,
	/** A blink: the eyes' aspect ratio (over its open level) dips at least this much and comes back. */
	blinkDip: 0.15,
	/** ...to at most this fraction of the open level (the mesh never shows an eye fully shut). */
	blinkClosed: 0.85,
	/** A blink (open, closed, open) fits in this long; longer is eyes shut, not a blink. */
	blinkMs: 700,
	/** An action seen sooner than this after its prompt is not an answer to it (human reaction time). */
	reactionMs: 300,
	/** Eyes only count while the head is near its starting pose: looking down narrows them too. */
	blinkPoseDegrees: 10
} as const;

/** The starting pose and openness a challenge's movements are measured from. */
export interface MotionBaseline {
	yaw: number;
	pitch: number;
	mouthOpen: number;
	eyeOpen: number;
}

const median = (values: number[]): number => {
	const s = [...values].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function baselineOf(motions: FaceMotion[]): MotionBaseline {
	return {
		yaw: median(motions.map((m) => m.yaw)),
		pitch: median(motions.map((m) => m.pitch)),
		mouthOpen: median(motions.map((m) => m.mouthOpen)),
		eyeOpen: median(motions.map((m) => m.eyeOpen))
	};
}

/** The pose action a frame shows, with how far past its threshold (1 = just there), or null. */
export function poseOf(
	motion: FaceMotion,
	base: MotionBaseline
): { action: LivenessAction; strength: number } | null {
	const dyaw = motion.yaw - base.yaw;
	const dpitch = motion.pitch - base.pitch;
	const yawStrength = Math.abs(dyaw) / MOTION_LIMITS.turnDegrees;
	const pitchStrength = Math.abs(dpitch) / MOTION_LIMITS.lookDegrees;
	if (Math.max(yawStrength, pitchStrength) < 1) return null;
	// Negative yaw is the user's left; positive pitch is looking down (measured on tv_real's deliberate turns).
	if (yawStrength >= pitchStrength)
		return { action: dyaw < 0 ? 'turn_left' : 'turn_right', strength: yawStrength };
	return { action: dpitch < 0 ? 'look_up' : 'look_down', strength: pitchStrength };
}

export function mouthIsOpen(motion: FaceMotion, base: MotionBaseline): boolean {
	return (
		motion.mouthOpen >= MOTION_LIMITS.mouthOpen &&
		motion.mouthOpen >= base.mouthOpen + MOTION_LIMITS.mouthRise
	);
}

export function nearStartPose(motion: FaceMotion, base: MotionBaseline): boolean {
	const limit = MOTION_LIMITS.blinkPoseDegrees;
	return Math.abs(motion.yaw - base.yaw) < limit && Math.abs(motion.pitch - base.pitch) < limit;
}

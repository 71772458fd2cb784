import type { DetectedFace, FaceMotion } from '../types';
import type { LivenessAction } from './actions';

/** Hand-made faces for the liveness unit tests (the detectors themselves are tested on real clips). */

export const NEUTRAL: FaceMotion = { yaw: 0, pitch: 5, roll: 0, eyeOpen: 0.3, mouthOpen: 0.05 };

export function face(
	motion: Partial<FaceMotion> = {},
	box: DetectedFace['box'] = [100, 100, 120, 120]
): DetectedFace {
	const p = (x: number, y: number): [number, number] => [x, y];
	return {
		box,
		score: 0.9,
		landmarks: {
			leftEye: p(190, 150),
			rightEye: p(130, 150),
			nose: p(160, 180),
			mouthLeft: p(180, 200),
			mouthRight: p(140, 200)
		},
		motion: { ...NEUTRAL, ...motion }
	};
}

/**
 * What a person doing `action` from the pose `rest` looks like over 0.8 s at 10 frames a second: into the
 * movement, held, and back (a blink: one shut frame).
 */
export function perform(action: LivenessAction, rest: Partial<FaceMotion> = {}): Partial<FaceMotion>[] {
	const held: Record<LivenessAction, Partial<FaceMotion>> = {
		turn_left: { yaw: (rest.yaw ?? 0) - 28 },
		turn_right: { yaw: (rest.yaw ?? 0) + 28 },
		look_up: { pitch: (rest.pitch ?? 5) - 15 },
		look_down: { pitch: (rest.pitch ?? 5) + 25 },
		blink: { eyeOpen: 0.12 },
		open_mouth: { mouthOpen: 0.7 }
	};
	const h = held[action];
	return action === 'blink' ? [{}, {}, h, {}, {}, {}, {}, {}] : [{}, h, h, h, {}, {}, {}, {}];
}

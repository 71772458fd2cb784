import { createRng } from '../../lib/core/random';
import {
	drawActions,
	type LivenessAction,
	type RandomWords,
	type CapturedFrame,
	LIVENESS_ACTIONS
} from '../../lib/core/liveness';
import type { PixelImage } from '../../lib/core/types';
import { renderPicture, STILL_POSE, type PicturePose } from './picture-motion';

/** Frame period of a capture, ms: the browser sends about 10 frames a second. */
export const FRAME_MS = 100;

export interface Trial {
	actions: LivenessAction[];
	frames: CapturedFrame[];
}

/** Seeded 32-bit words, so a run of the evaluation repeats exactly. */
export function seededWords(seed: number): RandomWords {
	const rng = createRng(seed);
	return (count) => Uint32Array.from({ length: count }, () => Math.floor(rng() * 0x1_0000_0000));
}

/** Frames long enough for every step to time out: an attack gets the whole time the challenge allows. */
const captureFrames = (actions: LivenessAction[], stepMs: number) =>
	Math.ceil((actions.length * stepMs) / FRAME_MS) + 1;

/**
 * A looping video (replay on a screen, or a picture waved about) in front of the camera: the capture starts
 * at a random point of the loop and runs on the video's own schedule, whatever the challenge asks.
 */
export function loopTrial(video: PixelImage[], words: RandomWords, stepMs: number): Trial {
	const actions = drawActions(3, LIVENESS_ACTIONS, words);
	const start = words(1)[0] % video.length;
	const frames = Array.from({ length: captureFrames(actions, stepMs) }, (_, j) => ({
		t: j * FRAME_MS,
		image: video[(start + j) % video.length]
	}));
	return { actions, frames };
}

/** A hand-held picture wobbling and tilting at random: `seconds` of frames, smooth, seeded. */
export function wobbleAnimation(still: PixelImage, seed: number, seconds = 8): PixelImage[] {
	const rng = createRng(seed);
	const wave = (amplitude: number) => {
		const period = 1.5 + rng() * 3;
		const phase = rng() * 2 * Math.PI;
		const a = amplitude * (0.5 + rng() / 2);
		return (t: number) => a * Math.sin((2 * Math.PI * t) / period + phase);
	};
	const [tiltX, tiltY, roll, scale, dx, dy] = [
		wave(30),
		wave(25),
		wave(6),
		wave(0.06),
		wave(0.04),
		wave(0.04)
	];
	return Array.from({ length: (seconds * 1000) / FRAME_MS }, (_, i) => {
		const t = (i * FRAME_MS) / 1000;
		return renderPicture(still, {
			tiltX: tiltX(t),
			tiltY: tiltY(t),
			roll: roll(t),
			scale: 1 + scale(t),
			dx: dx(t),
			dy: dy(t)
		});
	});
}

/**
 * An attacker who reads the instructions and tilts the picture to match, on time: for each pose action the
 * tilt (learnt beforehand on this picture) that makes the detector see it, eased in, held, eased out.
 * A picture cannot blink or open its mouth, so those steps only wobble it.
 */
export function adaptiveTiltTrial(
	still: PixelImage,
	tiltFor: Partial<Record<LivenessAction, PicturePose>>,
	words: RandomWords,
	stepMs: number,
	allowed: readonly LivenessAction[] = LIVENESS_ACTIONS
): Trial {
	const actions = drawActions(3, allowed, words);
	const poses: PicturePose[] = [];
	const hold = (pose: PicturePose, n: number) => {
		for (let i = 0; i < n; i++) poses.push(pose);
	};
	const ease = (from: PicturePose, to: PicturePose, n: number) => {
		for (let i = 1; i <= n; i++) {
			const k = i / n;
			poses.push({
				tiltX: from.tiltX + (to.tiltX - from.tiltX) * k,
				tiltY: from.tiltY + (to.tiltY - from.tiltY) * k,
				roll: from.roll + (to.roll - from.roll) * k,
				scale: from.scale + (to.scale - from.scale) * k,
				dx: from.dx + (to.dx - from.dx) * k,
				dy: from.dy + (to.dy - from.dy) * k
			});
		}
	};
	hold(STILL_POSE, 6);
	for (const action of actions) {
		const target = tiltFor[action] ?? STILL_POSE;
		ease(STILL_POSE, target, 5);
		hold(target, 6);
		ease(target, STILL_POSE, 5);
	}
	hold(STILL_POSE, Math.max(0, captureFrames(actions, stepMs) - poses.length));
	const rendered = new Map<string, PixelImage>();
	const frames = poses.map((pose, j) => {
		const key = JSON.stringify(pose);
		if (!rendered.has(key)) rendered.set(key, renderPicture(still, pose));
		return { t: j * FRAME_MS, image: rendered.get(key)! };
	});
	return { actions, frames };
}

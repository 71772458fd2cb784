import path from 'node:path';
import sharp from 'sharp';
import { readVideoFrames } from '../../src/cli/liveness/video-frames';
import type { LivenessAction } from '../../src/lib/core/liveness';
import { REPO_ROOT } from './faces';

/** The shared liveness media (read from ../shared, never copied into the repository). */
export const LIVENESS_DIR = path.resolve(REPO_ROOT, process.env.LIVENESS_DIR ?? '../shared/data/liveness');

export interface JpegFrame {
	t: number;
	jpeg: Uint8Array;
}

/** A clip as a browser would send it: 10 frames a second, 480 px, JPEG. */
export async function clipJpegs(relative: string): Promise<Uint8Array[]> {
	const frames = await readVideoFrames(path.join(LIVENESS_DIR, relative), { fps: 10, maxSide: 480 });
	return Promise.all(
		frames.map(async ({ image }) => {
			const raw = { width: image.width, height: image.height, channels: image.channels };
			return new Uint8Array(await sharp(Buffer.from(image.data), { raw }).jpeg({ quality: 80 }).toBuffer());
		})
	);
}

/**
 * Where tv_real.mp4 (a man turning deliberately, at 10 frames a second) performs each movement: the frames
 * that go into it and the frames that come back to the front. Measured with the core's own detectors
 * (yaw -20 at 2.4 s, pitch +19 at 12 s, -29 at 14.7 s); its right turn peaks at 17 degrees, just short.
 */
const TV_REAL_SEGMENTS: Partial<Record<LivenessAction, { go: [number, number]; back: [number, number] }>> = {
	turn_left: { go: [15, 29], back: [54, 63] },
	look_down: { go: [113, 125], back: [137, 143] },
	look_up: { go: [143, 152], back: [158, 167] }
};
export const TV_REAL_ACTIONS = Object.keys(TV_REAL_SEGMENTS) as LivenessAction[];

/**
 * The frames a live user would send for `actions`: a moment facing the camera, then each movement and the
 * way back, cut from the clip and re-timed at 100 ms. `swap` puts another clip's frames in place of one step.
 */
export function answerFrames(
	clip: Uint8Array[],
	actions: readonly LivenessAction[],
	swap?: { step: number; frames: Uint8Array[] }
): JpegFrame[] {
	const picked: Uint8Array[] = clip.slice(0, 6);
	actions.forEach((action, step) => {
		const segment = TV_REAL_SEGMENTS[action];
		if (!segment) throw new Error(`tv_real does not perform ${action}`);
		const part = [
			...clip.slice(segment.go[0], segment.go[1]),
			...clip.slice(segment.back[0], segment.back[1])
		];
		picked.push(...(swap?.step === step ? swap.frames.slice(0, part.length) : part));
	});
	return picked.map((jpeg, i) => ({ t: i * 100, jpeg }));
}

/** The multipart body of a liveness answer. */
export function livenessForm(challenge: string, frames: JpegFrame[]): FormData {
	const form = new FormData();
	form.append('challenge', challenge);
	for (const [i, f] of frames.entries())
		form.append('frames', new Blob([new Uint8Array(f.jpeg)], { type: 'image/jpeg' }), `f${i}.jpg`);
	form.append('frame_times', JSON.stringify(frames.map((f) => f.t)));
	return form;
}

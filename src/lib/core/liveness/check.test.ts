import { describe, expect, it } from 'vitest';
import type { FaceEngine } from '../face-engine';
import type { FaceMotion, PixelImage } from '../types';
import type { LivenessAction } from './actions';
import { checkLiveness, type CapturedFrame } from './check';
import { face, perform } from '../../../../tests/fixtures/liveness-faces';

/**
 * Identity continuity against an attacker who controls the frames (the server only sees an upload): a live
 * accomplice performs the challenge, and one still of the victim is spliced in as the most frontal frame,
 * the one a login decides on. A fake engine: each frame's face, pose and person are given by hand.
 */

interface Shot {
	person: 'accomplice' | 'victim';
	motion: Partial<FaceMotion>;
}

function engineFor(shots: Map<PixelImage, Shot>): FaceEngine {
	const vectors = {
		accomplice: Float32Array.from([1, 0, 0]),
		victim: Float32Array.from([0, 1, 0])
	};
	return {
		info: { embedder: 'fake', embedderVersion: '1', detector: 'fake', backend: 'cpu' } as FaceEngine['info'],
		load: async () => {},
		dispose: async () => {},
		detect: async (image) => {
			const shot = shots.get(image)!;
			return [face(shot.motion)];
		},
		embed: async (image) => vectors[shots.get(image)!.person]
	};
}

/** The accomplice does the actions from a resting pose `rest`, 10 frames a second; frame 3 is the victim. */
function splice(actions: LivenessAction[], rest: Partial<FaceMotion>, victimAt: number[]) {
	const motions: Partial<FaceMotion>[] = Array.from({ length: 6 }, () => ({}));
	for (const a of actions) motions.push(...perform(a, rest));
	const shots = new Map<PixelImage, Shot>();
	const frames: CapturedFrame[] = motions.map((m, i) => {
		const image: PixelImage = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };
		const victim = victimAt.includes(i);
		// The victim's still: straight at the camera, eyes wide open (the most frontal frame of all).
		shots.set(
			image,
			victim
				? { person: 'victim', motion: { eyeOpen: 0.4 } }
				: { person: 'accomplice', motion: { ...rest, ...m } }
		);
		return { t: i * 100, image };
	});
	return { engine: engineFor(shots), frames };
}

async function judge(
	actions: LivenessAction[],
	rest: Partial<FaceMotion>,
	victimAt: number[],
	spotChecks?: number
) {
	const { engine, frames } = splice(actions, rest, victimAt);
	const now = 100_000;
	return checkLiveness(
		engine,
		{ nonce: 'n', actions, stepMs: 4000, issuedAt: now - 20_000, expiresAt: now + 20_000 },
		frames,
		{ now, sameFaceThreshold: 0.93, actionFaceThreshold: 0.9, spotChecks }
	);
}

describe('checkLiveness: one person throughout', () => {
	const actions: LivenessAction[] = ['turn_right', 'open_mouth', 'look_down'];

	it('passes one person doing the actions', async () => {
		const result = await judge(actions, {}, []);
		expect(result).toMatchObject({ passed: true, failure: null });
	});

	it('fails a victim still spliced into a capture done facing the camera', async () => {
		const result = await judge(actions, {}, [3]);
		expect(result).toMatchObject({ passed: false, failure: 'identity_changed' });
	});

	it('fails a victim still spliced into a capture done turned away from the camera', async () => {
		// The accomplice rests at 25 degrees of yaw: none of their frames is within the pose the identity check
		// compares with the (frontal) victim frame, so nothing used to be compared and the victim logged in.
		const result = await judge(actions, { yaw: 25 }, [3]);
		expect(result.decision?.embedding[1]).not.toBe(1); // never decides on the victim's face
		expect(result).toMatchObject({ passed: false, failure: 'identity_changed' });
	});

	it('fails copies of the victim still spread over every stretch while the accomplice does the actions', async () => {
		// Every stretch then holds a victim frame exactly in the decision frame's pose, so it is the one its
		// stretch compares, and no random spot check is drawn here: only comparing the frames that show the
		// actions themselves (the accomplice's) catches it.
		const copies = [1, 5, 9, 13, 17, 21, 25, 29];
		const result = await judge(actions, { yaw: 8 }, copies, 0);
		expect(result).toMatchObject({ passed: false, failure: 'identity_changed' });
	});
});

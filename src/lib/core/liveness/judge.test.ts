import { describe, expect, it } from 'vitest';
import type { FaceMotion } from '../types';
import { drawActions, FACE_ACTIONS, POSE_ACTIONS, randomBelow, type LivenessAction } from './actions';
import { createChallenge } from './challenge';
import { judgeChallenge, type FrameObservation } from './judge';
import { createRng } from '../random';
import { face, perform } from '../../../../tests/fixtures/liveness-faces';

/** The judge's rules on hand-made tracks (the detectors themselves are tested on real clips elsewhere). */

function track(motions: Partial<FaceMotion>[], lead = 5): FrameObservation[] {
	return [...Array.from({ length: lead }, () => ({})), ...motions].map((m, i) => ({
		t: i * 100,
		faces: [face(m)]
	}));
}

describe('judgeChallenge', () => {
	const asked: LivenessAction[] = ['turn_left', 'blink', 'open_mouth'];

	it('passes the actions done in order, each within its step', () => {
		const result = judgeChallenge(asked, 4000, track(asked.flatMap((a) => perform(a))));
		expect(result).toMatchObject({ passed: true, failure: null });
		expect(result.steps.map((s) => s.doneAt !== null)).toEqual([true, true, true]);
		expect(result.bestFrame).toBeLessThan(5);
	});

	it('fails a turn the wrong way, the right actions out of order, and a late action', () => {
		expect(
			judgeChallenge(
				asked,
				4000,
				track(['turn_right', 'blink', 'open_mouth'].flatMap((a) => perform(a as LivenessAction)))
			)
		).toMatchObject({
			failure: 'wrong_direction',
			failedStep: 0
		});
		expect(
			judgeChallenge(
				asked,
				4000,
				track(['blink', 'open_mouth', 'turn_left'].flatMap((a) => perform(a as LivenessAction)))
			)
		).toMatchObject({
			passed: false,
			failure: 'too_slow' // the turn counts, the blink and the mouth came before their turn
		});
		const idle = Array.from({ length: 45 }, () => ({}));
		expect(judgeChallenge(asked, 4000, track([...idle, ...asked.flatMap((a) => perform(a))]))).toMatchObject({
			failure: 'too_slow',
			failedStep: 0
		});
	});

	it('does not count an action before a reaction time, nor a head movement before the head is back at the centre', () => {
		// The mouth opens 100 ms after the turn is done: too soon to be an answer to the next prompt.
		const tooSoon = [
			{},
			{ yaw: -28 },
			{ yaw: -28 },
			{ mouthOpen: 0.7 },
			{ mouthOpen: 0.7 },
			...Array.from({ length: 45 }, () => ({}))
		];
		expect(judgeChallenge(['turn_left', 'open_mouth'], 4000, track(tooSoon))).toMatchObject({
			failure: 'too_slow',
			failedStep: 1
		});
		// Turned left, then straight up from there without coming back: the second movement is not counted.
		const noCentre = [
			{},
			{ yaw: -28 },
			{ yaw: -28 },
			{ yaw: -25 },
			{ yaw: -25, pitch: -20 },
			{ yaw: -25, pitch: -20 },
			{ yaw: -25, pitch: -20 }
		];
		const stuck = [...noCentre, ...Array.from({ length: 45 }, () => ({ yaw: -25 }))];
		expect(judgeChallenge(['turn_left', 'look_up'], 4000, track(stuck))).toMatchObject({
			failure: 'too_slow',
			failedStep: 1
		});
		const back = [...noCentre, {}, {}, ...perform('look_up')];
		expect(judgeChallenge(['turn_left', 'look_up'], 4000, track(back)).passed).toBe(true);
	});

	it('fails a capture that loses the face, shows two faces or jumps (a cut)', () => {
		const frames = track(asked.flatMap((a) => perform(a)));
		const lost = frames.map((f, i) => (i >= 8 && i < 18 ? { ...f, faces: [] } : f));
		expect(judgeChallenge(asked, 4000, lost).failure).toBe('no_face');
		const two = frames.map((f, i) =>
			i === 10 ? { ...f, faces: [face(), face({}, [300, 100, 110, 110])] } : f
		);
		expect(judgeChallenge(asked, 4000, two).failure).toBe('two_faces');
		const cut = frames.map((f, i) => (i >= 12 ? { ...f, faces: [face({}, [400, 260, 120, 120])] } : f));
		expect(judgeChallenge(asked, 4000, cut).failure).toBe('face_changed');
	});

	it('refuses frames that are not a continuous capture', () => {
		const frames = track(asked.flatMap((a) => perform(a)));
		expect(judgeChallenge(asked, 4000, frames.slice(0, 3)).failure).toBe('bad_frames');
		const gap = frames.map((f, i) => ({ ...f, t: i < 10 ? f.t : f.t + 2000 }));
		expect(judgeChallenge(asked, 4000, gap).failure).toBe('bad_frames');
		const backwards = frames.map((f, i) => ({ ...f, t: i === 7 ? 0 : f.t }));
		expect(judgeChallenge(asked, 4000, backwards).failure).toBe('bad_frames');
	});

	it('a photo, however long it is held, does nothing', () => {
		expect(judgeChallenge(asked, 4000, track(Array.from({ length: 130 }, () => ({}))))).toMatchObject({
			failure: 'too_slow',
			failedStep: 0
		});
	});
});

describe('challenges', () => {
	it('hold exactly one blink or open mouth and head movements for the rest, never one action twice in a row', () => {
		for (let i = 0; i < 500; i++) {
			const { actions } = createChallenge(0);
			expect(actions).toHaveLength(3);
			expect(actions.filter((a) => POSE_ACTIONS.includes(a))).toHaveLength(2);
			expect(actions.filter((a) => FACE_ACTIONS.includes(a))).toHaveLength(1);
			expect(actions.every((a, j) => j === 0 || a !== actions[j - 1])).toBe(true);
		}
	});

	it('draws every action, without modulo bias, and unique nonces', () => {
		const rng = createRng(3);
		const words = (n: number) => Uint32Array.from({ length: n }, () => Math.floor(rng() * 2 ** 32));
		const counts = new Map<LivenessAction, number>();
		for (let i = 0; i < 3000; i++)
			for (const a of drawActions(3, undefined, words)) counts.set(a, (counts.get(a) ?? 0) + 1);
		expect(counts.size).toBe(6);
		for (const n of counts.values()) expect(n).toBeGreaterThan(1000);
		expect(randomBelow(1, words)).toBe(0);
		const nonces = new Set(Array.from({ length: 200 }, () => createChallenge(0).nonce));
		expect(nonces.size).toBe(200);
	});
});

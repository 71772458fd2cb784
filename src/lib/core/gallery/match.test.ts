import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors';
import { createRng } from '../random';
import {
	buildTemplate,
	GalleryMatrix,
	matchFace,
	matchFrame,
	meanDirection,
	normalize,
	rankPeople,
	shadowedPerson,
	type MatchPolicy
} from './index';

// Seeded so the synthetic people are the same on every run.
const random = createRng(42);
const DIM = 64;

function randomVector(): Float32Array {
	return Float32Array.from({ length: DIM }, () => random() * 2 - 1);
}

/** A noisy photo of the person whose identity direction is `base`. */
function photoOf(base: Float32Array, noise: number): Float32Array {
	return base.map((value) => value + (random() * 2 - 1) * noise);
}

function mix(a: Float32Array, b: Float32Array, weightA: number): Float32Array {
	return a.map((value, i) => value * weightA + b[i] * (1 - weightA));
}

const alice = randomVector();
const bob = randomVector();
const stranger = randomVector();
const gallery = [
	buildTemplate('a', 'Alice', [photoOf(alice, 0.3), photoOf(alice, 0.3), photoOf(alice, 0.3)]),
	buildTemplate('b', 'Bob', [photoOf(bob, 0.3), photoOf(bob, 0.3), photoOf(bob, 0.3)])
];
const policy: MatchPolicy = { threshold: 0.5, margin: 0.1, strategy: 'centroid' };

describe('matchFace', () => {
	it('names a new photo of a registered person', () => {
		const match = matchFace(photoOf(alice, 0.3), gallery, policy);
		expect(match.status).toBe('known');
		if (match.status === 'known') {
			expect(match.person.id).toBe('a');
			expect(match.runnerUp?.id).toBe('b');
			expect(match.person.score).toBeGreaterThan(match.runnerUp!.score);
		}
	});

	it('rejects a stranger whose best score is below the threshold', () => {
		const match = matchFace(stranger, gallery, policy);
		expect(match).toMatchObject({ status: 'unknown', reason: 'below_threshold' });
	});

	it('rejects a face that is close to two people (margin), never naming the nearest', () => {
		const between = mix(alice, bob, 0.5);
		const ranked = rankPeople(between, gallery, policy);
		expect(ranked[0].score).toBeGreaterThanOrEqual(policy.threshold);
		expect(matchFace(between, gallery, policy)).toMatchObject({ status: 'unknown', reason: 'ambiguous' });
	});

	it('the same ambiguous face is named once the margin is not required', () => {
		const between = mix(alice, bob, 0.5);
		expect(matchFace(between, gallery, { ...policy, margin: 0 }).status).toBe('known');
	});

	it('answers unknown with an empty gallery', () => {
		expect(matchFace(alice, [], policy)).toEqual({
			status: 'unknown',
			reason: 'empty_gallery',
			best: null,
			runnerUp: null
		});
	});

	it('with one registered person the threshold alone decides', () => {
		expect(matchFace(photoOf(bob, 0.3), [gallery[1]], policy).status).toBe('known');
		expect(matchFace(stranger, [gallery[1]], policy).status).toBe('unknown');
	});

	it('is invariant to the scale of the query', () => {
		const query = photoOf(alice, 0.3);
		const scaled = query.map((value) => value * 17);
		expect(rankPeople(scaled, gallery, policy)[0].score).toBeCloseTo(
			rankPeople(query, gallery, policy)[0].score,
			5
		);
	});

	it('refuses to compare embeddings of different sizes', () => {
		expect(() => matchFace(new Float32Array(DIM + 1).fill(1), gallery, policy)).toThrow(CoreError);
	});

	it('the max strategy scores by the closest single photo', () => {
		const odd = photoOf(stranger, 0.01);
		const person = buildTemplate('c', 'Carol', [odd, photoOf(alice, 0.01)]);
		const centroid = rankPeople(stranger, [person], { strategy: 'centroid' })[0].score;
		const max = rankPeople(stranger, [person], { strategy: 'max' })[0].score;
		expect(max).toBeGreaterThan(0.99);
		expect(centroid).toBeLessThan(max);
	});
});

describe('matchFrame', () => {
	it('names every registered face and leaves strangers unknown', () => {
		const matches = matchFrame([photoOf(bob, 0.3), stranger, photoOf(alice, 0.3)], gallery, policy);
		expect(matches.map((m) => (m.status === 'known' ? m.person.name : m.reason))).toEqual([
			'Bob',
			'below_threshold',
			'Alice'
		]);
	});

	it('gives a person to one face only: the weaker claim becomes unknown', () => {
		const close = photoOf(alice, 0.05);
		const far = photoOf(alice, 0.6);
		const [first, second] = matchFrame([far, close], gallery, { ...policy, threshold: 0.2 });
		expect(second).toMatchObject({ status: 'known', person: { id: 'a' } });
		expect(first).toMatchObject({ status: 'unknown', reason: 'duplicate_in_frame', best: { id: 'a' } });
	});
});

describe('buildTemplate', () => {
	it('needs at least one embedding', () => {
		expect(() => buildTemplate('x', 'X', [])).toThrow(/no embeddings/);
	});

	it('the centroid is unit length and every photo weighs the same whatever its norm', () => {
		const template = buildTemplate('x', 'X', [alice.map((v) => v * 100), bob]);
		const length = Math.hypot(...template.centroid);
		expect(length).toBeCloseTo(1, 5);
		const toAlice = rankPeople(alice, [template], policy)[0].score;
		const toBob = rankPeople(bob, [template], policy)[0].score;
		expect(Math.abs(toAlice - toBob)).toBeLessThan(1e-5);
	});
});

describe('shadowedPerson', () => {
	const bar = policy.threshold - policy.margin;
	const asMatrix = () => {
		const matrix = new GalleryMatrix(DIM, 4);
		for (const t of gallery) matrix.set(t.id, t.name, t.members);
		return matrix;
	};

	it("names whom a new enrolment holding someone else's face would shadow, in a list and in the server's matrix", () => {
		const mallorysPhotos = [photoOf(stranger, 0.3), photoOf(alice, 0.3), photoOf(stranger, 0.3)];
		for (const g of [gallery, asMatrix()]) {
			expect(shadowedPerson(mallorysPhotos, g, policy, 'm', bar)?.id).toBe('a');
			expect(
				shadowedPerson([photoOf(stranger, 0.3), photoOf(stranger, 0.3)], g, policy, 'm', bar)
			).toBeNull();
		}
	});

	it("lets a person re-enrol their own face, but not beside someone else's, whether self is first or second", () => {
		for (const g of [gallery, asMatrix()]) {
			expect(shadowedPerson([photoOf(alice, 0.3), photoOf(alice, 0.3)], g, policy, 'a', bar)).toBeNull();
			expect(shadowedPerson([photoOf(bob, 0.3)], g, policy, 'a', bar)?.id).toBe('b');
			// Self ranks first for these faces, Bob second but above the bar: Bob is still shadowed.
			const between = mix(alice, bob, 0.55);
			const [first, second] = rankPeople(between, gallery, policy);
			expect([first.id, second.id]).toEqual(['a', 'b']);
			expect(shadowedPerson([between], g, policy, 'a', second.score - 0.01)?.id).toBe('b');
			expect(shadowedPerson([between], g, policy, 'a', second.score + 0.01)).toBeNull();
		}
	});

	it('catches faces that each stay below the bar when their mean, the template login sees, does not', () => {
		// Alice's direction plus a strong, different noise on each: every face alone scores low, their mean high.
		const faces = [0, 1, 2].map(() => photoOf(alice, 1.6));
		const scores = faces.map((f) => rankPeople(f, gallery, policy).find((c) => c.id === 'a')!.score);
		const mean = rankPeople(meanDirection(faces.map((f) => normalize(f))), gallery, policy).find(
			(c) => c.id === 'a'
		)!.score;
		const between = (Math.max(...scores) + mean) / 2;
		expect(mean).toBeGreaterThan(Math.max(...scores));
		expect(shadowedPerson(faces, gallery, policy, 'm', between)?.id).toBe('a');
		expect(faces.every((f) => shadowedPerson([f], gallery, policy, 'm', between) === null)).toBe(true);
	});

	it('finds nobody to shadow in an empty gallery or without faces', () => {
		expect(shadowedPerson([photoOf(alice, 0.3)], [], policy, 'a', bar)).toBeNull();
		expect(shadowedPerson([], gallery, policy, 'm', bar)).toBeNull();
	});
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { matchFace, rankPeople } from './match';
import { GalleryMatrix } from './matrix';
import { buildTemplate } from './template';
import type { MatchPolicy } from './thresholds';

function randomVectors(count: number, dim: number, seed: number): Float32Array[] {
	const random = createRng(seed);
	return Array.from({ length: count }, () => Float32Array.from({ length: dim }, () => random() * 2 - 1));
}

describe('GalleryMatrix', () => {
	const dim = 37; // not a multiple of four: the unrolled loop's tail is exercised
	const people = Array.from({ length: 60 }, (_, i) =>
		buildTemplate(`p${i}`, `Person ${i}`, randomVectors(1 + (i % 4), dim, i + 1))
	);

	it('the WebAssembly SIMD kernel scores like the JavaScript loop (to float rounding)', () => {
		const dim4 = 128;
		const templates = Array.from({ length: 300 }, (_, i) =>
			buildTemplate(`q${i}`, `Q ${i}`, randomVectors(1, dim4, 500 + i))
		);
		const withSimd = GalleryMatrix.fromTemplates(templates);
		const plain = new GalleryMatrix(dim4, 1, { simd: false });
		for (const t of templates) plain.setCentroid(t.id, t.name, t.centroid);
		expect(withSimd.simd).toBe(true);
		expect(plain.simd).toBe(false);
		for (const query of randomVectors(30, dim4, 77)) {
			const unit = Float32Array.from(query.map((v, _, a) => v / Math.hypot(...a)));
			const a = withSimd.topTwo(unit);
			const b = plain.topTwo(unit);
			expect([a.best!.id, a.runnerUp!.id]).toEqual([b.best!.id, b.runnerUp!.id]);
			expect(a.best!.score).toBeCloseTo(b.best!.score, 5);
		}
	});

	it('names the same best and runner-up as scoring every template, for both strategies', () => {
		const matrix = GalleryMatrix.fromTemplates(people);
		for (const strategy of ['centroid', 'max'] as const) {
			for (const query of randomVectors(25, dim, 999)) {
				const [best, second] = rankPeople(query, people, { strategy });
				const top = matrix.topTwo(Float32Array.from(query.map((v, _, a) => v / Math.hypot(...a))), strategy);
				expect(top.best!.id).toBe(best.id);
				expect(top.runnerUp!.id).toBe(second.id);
				expect(top.best!.score).toBeCloseTo(best.score, 5);
				expect(top.runnerUp!.score).toBeCloseTo(second.score, 5);
			}
		}
	});

	it('matchFace decides alike on a list and on the matrix', () => {
		const matrix = GalleryMatrix.fromTemplates(people);
		const policy: MatchPolicy = { threshold: 0.3, margin: 0.02, strategy: 'centroid' };
		for (const query of [...randomVectors(20, dim, 5), people[7].centroid, people[33].members[0]]) {
			const onMatrix = matchFace(query, matrix, policy);
			const onList = matchFace(query, people, policy);
			// Same decision and people; scores agree to float rounding (the sums run in another order).
			const summary = (m: typeof onList) =>
				m.status === 'known'
					? ['known', m.person.id, m.runnerUp?.id, m.person.score.toFixed(5)]
					: ['unknown', m.reason, m.best?.id, m.runnerUp?.id];
			expect(summary(onMatrix)).toEqual(summary(onList));
		}
	});

	it('adds, replaces and removes people in place (a removed row takes the last one)', () => {
		const matrix = new GalleryMatrix(0, 1);
		for (const p of people.slice(0, 10)) matrix.set(p.id, p.name, p.members);
		expect(matrix.size).toBe(10);
		expect(matrix.delete('p3')).toBe(true);
		expect(matrix.delete('p3')).toBe(false);
		matrix.set('p5', 'Renamed', people[20].members);
		expect(matrix.size).toBe(9);
		const templates = matrix.toTemplates();
		expect(templates.map((t) => t.id)).toEqual(['p0', 'p1', 'p2', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
		expect(templates.find((t) => t.id === 'p9')!.centroid).toEqual(people[9].centroid);
		expect(templates.find((t) => t.id === 'p5')).toMatchObject({
			name: 'Renamed',
			centroid: people[20].centroid
		});
		expect(matrix.topTwo(people[9].centroid).best).toMatchObject({ id: 'p9' });
		expect(() => matrix.set('bad', 'Bad', [new Float32Array(3).fill(1)])).toThrow(/sizes differ/);
	});

	it('an empty gallery or a one-person gallery', () => {
		const matrix = new GalleryMatrix();
		expect(matrix.topTwo(new Float32Array(4))).toEqual({ best: null, runnerUp: null });
		matrix.set('only', 'Only', [Float32Array.of(1, 0, 0, 0)]);
		expect(matrix.topTwo(Float32Array.of(0, 1, 0, 0))).toEqual({
			best: { id: 'only', name: 'Only', score: 0 },
			runnerUp: null
		});
	});
});

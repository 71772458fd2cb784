export { dot } from '../gallery/vector';
import { dot, meanDirection } from '../gallery/vector';
import { createRng, shuffleInPlace } from '../random';
import type { EmbeddedSample } from './types';

/** Comparison groups reported separately: pose matters far more than anything else (issue 7). */
export type PairGroup = 'cfp-frontal-frontal' | 'cfp-frontal-profile' | 'celeba-wild';
export const PAIR_GROUPS: readonly PairGroup[] = [
	'cfp-frontal-frontal',
	'cfp-frontal-profile',
	'celeba-wild'
];

/** A photo with no face cannot be verified: it scores below every threshold (counted as a rejection). */
export const NO_FACE_SCORE = -2;

function pairMatchesGroup(a: EmbeddedSample, b: EmbeddedSample, group: PairGroup): boolean {
	switch (group) {
		case 'cfp-frontal-frontal':
			return a.source === 'cfp' && b.source === 'cfp' && a.pose === 'frontal' && b.pose === 'frontal';
		case 'cfp-frontal-profile':
			return a.source === 'cfp' && b.source === 'cfp' && a.pose !== b.pose;
		case 'celeba-wild':
			return a.source === 'celeba' && b.source === 'celeba';
	}
}

export interface ScoreSet {
	genuine: number[];
	impostors: number[];
}

/**
 * Every pair of photos of one group, within one source (a CFP celebrity may also be a CelebA identity, so
 * cross-source pairs are never impostors). Genuine: same identity; impostor: different identities.
 */
export function pairScores(samples: readonly EmbeddedSample[], group: PairGroup): ScoreSet {
	const out: ScoreSet = { genuine: [], impostors: [] };
	for (let i = 0; i < samples.length; i++) {
		const a = samples[i];
		for (let j = i + 1; j < samples.length; j++) {
			const b = samples[j];
			if (!pairMatchesGroup(a, b, group)) continue;
			const score = a.vector && b.vector ? dot(a.vector, b.vector) : NO_FACE_SCORE;
			(a.identity === b.identity ? out.genuine : out.impostors).push(score);
		}
	}
	return out;
}

/** Identities split in two halves per source with a seeded shuffle: thresholds are fitted on one, judged on the other. */
export function splitIdentities(
	samples: readonly EmbeddedSample[],
	seed: number
): { fit: EmbeddedSample[]; held: EmbeddedSample[] } {
	const fitIds = new Set<string>();
	for (const source of new Set(samples.map((s) => s.source))) {
		const ids = [...new Set(samples.filter((s) => s.source === source).map((s) => s.identity))].sort();
		shuffleInPlace(ids, createRng(seed));
		for (const id of ids.slice(0, Math.ceil(ids.length / 2))) fitIds.add(id);
	}
	return {
		fit: samples.filter((s) => fitIds.has(s.identity)),
		held: samples.filter((s) => !fitIds.has(s.identity))
	};
}

export interface Enrolled {
	identity: string;
	source: EmbeddedSample['source'];
	template: Float32Array;
	/** The identity's photos not used for the template. */
	probes: EmbeddedSample[];
}

/**
 * One template per identity from `k` photos (frontal ones for CFP: people enrol facing the camera), the
 * rest of its photos kept as probes. Photos without a face are never enrolled; identities without k
 * usable enrolment photos and one probe are left out.
 */
export function enrolIdentities(samples: readonly EmbeddedSample[], k: number, seed: number): Enrolled[] {
	const byId = new Map<string, EmbeddedSample[]>();
	for (const s of samples) byId.set(s.identity, [...(byId.get(s.identity) ?? []), s]);
	const rng = createRng(seed);
	const out: Enrolled[] = [];
	for (const [identity, photos] of [...byId].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
		const eligible = shuffleInPlace(
			photos.filter((p) => p.vector && p.pose !== 'profile'),
			rng
		);
		if (eligible.length < k) continue;
		const chosen = new Set(eligible.slice(0, k));
		const probes = photos.filter((p) => !chosen.has(p));
		if (probes.length === 0) continue;
		out.push({
			identity,
			source: photos[0].source,
			template: meanDirection([...chosen].map((p) => p.vector as Float32Array)),
			probes
		});
	}
	return out;
}

/** Template-to-photo scores: genuine against the identity's own probes, impostor against every other identity's photos of the same source. */
export function templateScores(
	enrolled: readonly Enrolled[],
	samples: readonly EmbeddedSample[],
	filter: (probe: EmbeddedSample) => boolean = () => true
): ScoreSet {
	const out: ScoreSet = { genuine: [], impostors: [] };
	for (const e of enrolled) {
		for (const p of e.probes)
			if (filter(p)) out.genuine.push(p.vector ? dot(e.template, p.vector) : NO_FACE_SCORE);
		for (const s of samples) {
			if (s.identity === e.identity || s.source !== e.source || !filter(s)) continue;
			out.impostors.push(s.vector ? dot(e.template, s.vector) : NO_FACE_SCORE);
		}
	}
	return out;
}

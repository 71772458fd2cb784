import { createRng, shuffleInPlace } from '../random';
import { dot, NO_FACE_SCORE, type Enrolled } from './scores';
import type { EmbeddedSample } from './types';
import { wilson, upperBound } from './stats';

/** One 1:N search: the best and second-best gallery scores, and whether the best is the probe's own identity. */
export interface Search {
	best: number;
	second: number;
	bestIsOwn: boolean;
	/** The probe's pose group: frontal, profile or wild. */
	pose: EmbeddedSample['pose'];
}

export interface SearchSet {
	/** Probes of people in the gallery. */
	mated: Search[];
	/** Probes of people who are not (strangers). */
	nonMated: Search[];
	trials: number;
	gallerySize: number;
}

function search(gallery: readonly Enrolled[], probe: EmbeddedSample, own: string | null): Search {
	if (!probe.vector)
		return { best: NO_FACE_SCORE, second: NO_FACE_SCORE, bestIsOwn: false, pose: probe.pose };
	let best = -Infinity;
	let second = -Infinity;
	let bestId = '';
	for (const g of gallery) {
		const s = dot(g.template, probe.vector);
		if (s > best) {
			second = best;
			best = s;
			bestId = g.identity;
		} else if (s > second) second = s;
	}
	return {
		best,
		second: Number.isFinite(second) ? second : NO_FACE_SCORE,
		bestIsOwn: bestId === own,
		pose: probe.pose
	};
}

/**
 * Repeated 1:N trials within each source: a random gallery of `gallerySize` enrolled identities, every
 * probe of theirs as a mated search, every photo of the source's other identities as a stranger.
 */
export function identificationTrials(
	enrolled: readonly Enrolled[],
	samples: readonly EmbeddedSample[],
	options: { gallerySize: number; trials: number; seed: number }
): SearchSet {
	const rng = createRng(options.seed);
	const out: SearchSet = { mated: [], nonMated: [], trials: 0, gallerySize: options.gallerySize };
	for (const source of [...new Set(enrolled.map((e) => e.source))].sort()) {
		const pool = enrolled.filter((e) => e.source === source);
		if (pool.length <= options.gallerySize) continue;
		for (let t = 0; t < options.trials; t++) {
			const gallery = shuffleInPlace([...pool], rng).slice(0, options.gallerySize);
			const inGallery = new Set(gallery.map((g) => g.identity));
			for (const g of gallery) for (const p of g.probes) out.mated.push(search(gallery, p, g.identity));
			for (const s of samples) {
				if (s.source === source && !inGallery.has(s.identity)) out.nonMated.push(search(gallery, s, null));
			}
			out.trials++;
		}
	}
	return out;
}

export interface IdentificationRates {
	threshold: number;
	margin: number;
	/** Strangers named as someone. */
	fpir: number;
	fpirUpper: number;
	falsePositives: number;
	strangers: number;
	/** Gallery members not named as themselves (missed or named as another). */
	fnir: number;
	fnirCi: [number, number];
	/** Gallery members named as another gallery member. */
	misidentified: number;
	mated: number;
	/** FNIR of the mated searches by the probe's pose (frontal, profile, wild). */
	fnirByPose: Partial<Record<EmbeddedSample['pose'], { fnir: number; searches: number }>>;
}

const named = (s: Search, threshold: number, margin: number) =>
	s.best >= threshold && s.best - s.second >= margin;

export function identificationRates(set: SearchSet, threshold: number, margin: number): IdentificationRates {
	const falsePositives = set.nonMated.filter((s) => named(s, threshold, margin)).length;
	const hits = set.mated.filter((s) => s.bestIsOwn && named(s, threshold, margin)).length;
	const misidentified = set.mated.filter((s) => !s.bestIsOwn && named(s, threshold, margin)).length;
	const misses = set.mated.length - hits;
	const fnirByPose: IdentificationRates['fnirByPose'] = {};
	for (const pose of ['frontal', 'profile', 'wild'] as const) {
		const searches = set.mated.filter((s) => s.pose === pose);
		if (searches.length === 0) continue;
		const found = searches.filter((s) => s.bestIsOwn && named(s, threshold, margin)).length;
		fnirByPose[pose] = { fnir: 1 - found / searches.length, searches: searches.length };
	}
	return {
		fnirByPose,
		threshold,
		margin,
		fpir: set.nonMated.length ? falsePositives / set.nonMated.length : 0,
		fpirUpper: upperBound(falsePositives, set.nonMated.length),
		falsePositives,
		strangers: set.nonMated.length,
		fnir: set.mated.length ? misses / set.mated.length : 0,
		fnirCi: wilson(misses, set.mated.length),
		misidentified,
		mated: set.mated.length
	};
}

/**
 * The lowest threshold (to 0.001) at which strangers are named at most `targetFpir` of the time on
 * these searches, with the margin fixed.
 */
export function thresholdAtFpir(set: SearchSet, margin: number, targetFpir: number): number {
	const strangers = set.nonMated
		.filter((s) => s.best - s.second >= margin)
		.map((s) => s.best)
		.sort((a, b) => b - a);
	const allowed = Math.floor(targetFpir * set.nonMated.length);
	const refused = strangers[allowed];
	if (refused === undefined) return -1;
	return Math.ceil((refused + 1e-9) * 1000) / 1000;
}

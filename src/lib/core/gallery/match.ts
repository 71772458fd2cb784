import { GalleryMatrix, type TopTwo } from './matrix';
import type { PersonTemplate } from './template';
import { scorePerson } from './template';
import type { MatchPolicy } from './thresholds';
import { meanDirection, normalize } from './vector';

export interface Candidate {
	id: string;
	name: string;
	score: number;
}

export type UnknownReason = 'empty_gallery' | 'below_threshold' | 'ambiguous' | 'duplicate_in_frame';

export type FaceMatch =
	| { status: 'known'; person: Candidate; runnerUp: Candidate | null }
	| { status: 'unknown'; reason: UnknownReason; best: Candidate | null; runnerUp: Candidate | null };

/** Every person scored against one query, best first. */
export function rankPeople(
	query: ArrayLike<number>,
	gallery: readonly PersonTemplate[],
	policy: Pick<MatchPolicy, 'strategy'>
): Candidate[] {
	const unit = normalize(query);
	return gallery
		.map((template) => ({
			id: template.id,
			name: template.name,
			score: scorePerson(template, unit, policy.strategy)
		}))
		.sort((a, b) => b.score - a.score);
}

/** A gallery as a list of templates, or as the server's contiguous matrix (same decisions, one fused pass). */
export type Gallery = readonly PersonTemplate[] | GalleryMatrix;

/** 1:N decision for one face: the nearest person is named only if close enough and clearly ahead. */
/** The two best distinct people for a query, from either kind of gallery. */
function nearestTwo(query: ArrayLike<number>, gallery: Gallery, policy: MatchPolicy): TopTwo {
	if (gallery instanceof GalleryMatrix) return gallery.topTwo(normalize(query), policy.strategy);
	const ranked = rankPeople(query, gallery, policy);
	return { best: ranked[0] ?? null, runnerUp: ranked[1] ?? null };
}

export function matchFace(query: ArrayLike<number>, gallery: Gallery, policy: MatchPolicy): FaceMatch {
	const { best, runnerUp } = nearestTwo(query, gallery, policy);
	if (!best) return { status: 'unknown', reason: 'empty_gallery', best: null, runnerUp: null };
	if (best.score < policy.threshold) return { status: 'unknown', reason: 'below_threshold', best, runnerUp };
	if (runnerUp && best.score - runnerUp.score < policy.margin) {
		return { status: 'unknown', reason: 'ambiguous', best, runnerUp };
	}
	return { status: 'known', person: best, runnerUp };
}

/**
 * The person a new enrolment of `self` would shadow, if any: its template would make that person's own logins
 * ambiguous (two templates too close to tell apart: nobody is named) or name `self` instead, so it must not be
 * stored. Enrolling photos of a stranger taken from the web would otherwise lock them out. Checked: the new template
 * as login will see it (the mean direction of its faces: averaging can bring faces that each stay below the bar
 * above it) and each face, against everyone but `self`, at `bar` (the caller's; see the enrolment-conflicts
 * experiment for the rate at which it refuses honest users).
 */
export function shadowedPerson(
	faces: readonly ArrayLike<number>[],
	gallery: Gallery,
	policy: MatchPolicy,
	self: string,
	bar: number
): Candidate | null {
	if (faces.length === 0) return null;
	const units = faces.map((face) => normalize(face));
	let found: Candidate | null = null;
	for (const probe of [meanDirection(units), ...units]) {
		const { best, runnerUp } = nearestTwo(probe, gallery, policy);
		// Only one of the two can be `self`, so the other is the nearest someone else.
		const other = best?.id === self ? runnerUp : best;
		if (other && other.score >= bar && (!found || other.score > found.score)) found = other;
	}
	return found;
}

/**
 * 1:N decisions for every face of one frame. A person is in a frame at most once, so when two faces
 * claim the same person only the higher score keeps the name; the other becomes unknown rather than
 * being reassigned to its second choice.
 */
export function matchFrame(
	queries: readonly ArrayLike<number>[],
	gallery: Gallery,
	policy: MatchPolicy
): FaceMatch[] {
	const matches = queries.map((query) => matchFace(query, gallery, policy));
	const winner = new Map<string, number>();
	matches.forEach((match, index) => {
		if (match.status !== 'known') return;
		const previous = winner.get(match.person.id);
		const previousMatch = previous === undefined ? undefined : matches[previous];
		if (previousMatch?.status !== 'known' || match.person.score > previousMatch.person.score) {
			winner.set(match.person.id, index);
		}
	});
	return matches.map((match, index) => {
		if (match.status !== 'known' || winner.get(match.person.id) === index) return match;
		return { status: 'unknown', reason: 'duplicate_in_frame', best: match.person, runnerUp: match.runnerUp };
	});
}

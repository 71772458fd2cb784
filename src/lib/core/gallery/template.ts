import { CoreError } from '../errors';
import { dot, meanDirection, normalize } from './vector';

/** One registered person as the matcher sees them: unit-length embeddings and their mean direction. */
export interface PersonTemplate {
	id: string;
	name: string;
	/** Unit-length mean of the member embeddings. */
	centroid: Float32Array;
	/** Unit-length copies of every stored embedding. */
	members: Float32Array[];
}

/**
 * How a query is scored against one person.
 * - `centroid`: cosine to the mean direction (robust to one odd photo; the default).
 * - `max`: cosine to the closest single photo (helps when poses differ a lot, but one bad photo can match anyone).
 */
export type ScoreStrategy = 'centroid' | 'max';

export function buildTemplate(
	id: string,
	name: string,
	embeddings: readonly ArrayLike<number>[]
): PersonTemplate {
	if (embeddings.length === 0) {
		throw new CoreError('NOT_ENOUGH_DATA', `person ${id} has no embeddings`);
	}
	const members = embeddings.map((embedding) => normalize(embedding));
	return { id, name, centroid: meanDirection(members), members };
}

/** Cosine similarity of a unit-length query to a person, by the chosen strategy. */
export function scorePerson(
	template: PersonTemplate,
	unitQuery: Float32Array,
	strategy: ScoreStrategy
): number {
	if (strategy === 'centroid') return dot(template.centroid, unitQuery);
	let best = -Infinity;
	for (const member of template.members) best = Math.max(best, dot(member, unitQuery));
	return best;
}

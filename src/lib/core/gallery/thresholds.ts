import type { ScoreStrategy } from './template';

/** A face is named only when its best person scores at least `threshold` AND beats the runner-up by `margin`. */
export interface MatchPolicy {
	threshold: number;
	margin: number;
	strategy: ScoreStrategy;
}

/**
 * Calibrated per embedder (cosine scales differ between models), see README "Recognition thresholds".
 * PLACEHOLDER_VALUES_REPLACED_BY_CALIBRATION
 */
export const MATCH_POLICIES: Record<string, MatchPolicy> = {};

/** Conservative fallback for an embedder nobody calibrated: prefers "unknown" to a wrong name. */
export const FALLBACK_POLICY: MatchPolicy = { threshold: 0.6, margin: 0.08, strategy: 'centroid' };

export function matchPolicyFor(embedder: string): MatchPolicy {
	return MATCH_POLICIES[embedder] ?? FALLBACK_POLICY;
}

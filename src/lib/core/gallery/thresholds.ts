import { calibrationFor } from '../calibration/operating-points';
import { embedderMeta, isEmbedderId } from '../embedders';
import type { ScoreStrategy } from './template';

/** A face is named only when its best person scores at least `threshold` AND beats the runner-up by `margin`. */
export interface MatchPolicy {
	threshold: number;
	margin: number;
	strategy: ScoreStrategy;
}

export interface CalibratedPolicy extends MatchPolicy {
	/** Face login hands out a token, so it asks for a larger distance from every stranger. */
	loginThreshold: number;
	/** Embedder version the figures were measured with; another version needs a new calibration. */
	calibratedWith: string;
}

/** Cosine kept between the highest stranger and the threshold: for naming faces, and for logging in. */
export const CALIBRATION_SAFETY = 0.02;
export const LOGIN_SAFETY = 0.05;

/**
 * Legacy policies of the embedders without a FAR calibration (calibration/operating-points.ts has those
 * that do, and they take precedence): per embedder, because cosine scales differ between models (CALIBRATION.md has the method
 * and the figures; tests/people-calibration.test.ts re-runs it). Enrol the five "John" identities of
 * the photo set with four photos each; every face that is not a John (unknown/, every group photo, the
 * TV-cast crops, Obama, Kit, Rose, Alex: 125 faces) is a stranger. With the margin at 0.05, the
 * threshold is the highest stranger score the margin does not already reject plus CALIBRATION_SAFETY
 * (login: plus LOGIN_SAFETY), rounded up to 0.01. All 34 held-back John photos pass. Nothing here was
 * tuned on the TV-cast group photos, which the integration tests then measure.
 */
export const MATCH_POLICIES: Record<string, CalibratedPolicy> = {
	// PEOPLE_EMBEDDER's default. Strangers top out at 0.592; 19 of 22 cast faces named, none wrongly.
	'faceres-bgr': {
		threshold: 0.62,
		loginThreshold: 0.65,
		margin: 0.05,
		strategy: 'max',
		calibratedWith: 'human-3.3.6-faceres+bgr+align-v1'
	},
	// Strangers top out at 0.594 (0.618 with `max`, which then costs recall).
	faceres: {
		threshold: 0.62,
		loginThreshold: 0.65,
		margin: 0.05,
		strategy: 'centroid',
		calibratedWith: 'human-3.3.6-faceres+rgb+align-v1'
	},
	// Strangers top out at 0.734; 20 of 22 cast faces, at the cost of both embedders per face.
	fusion: {
		threshold: 0.76,
		loginThreshold: 0.79,
		margin: 0.05,
		strategy: 'max',
		calibratedWith:
			'dlib-resnet128-noflip@faceapi-1.7.15+align-v1|faceres-bgr@human-3.3.6-faceres+bgr+align-v1'
	},
	// The verifier's embedder before flip averaging (dlib-resnet128 itself is FAR-calibrated instead).
	// Its cosines crowd into 0.85-0.96 (strangers reach 0.910 here, 0.934 in the cast photos but with
	// small margins), so the margin does most of the work.
	'dlib-resnet128-noflip': {
		threshold: 0.94,
		loginThreshold: 0.97,
		margin: 0.05,
		strategy: 'centroid',
		calibratedWith: 'faceapi-1.7.15+align-v1'
	},
	// Box crops instead of aligned chips: names none of the cast in the group photos at this threshold.
	'dlib-resnet128-box': {
		threshold: 0.95,
		loginThreshold: 0.98,
		margin: 0.05,
		strategy: 'centroid',
		calibratedWith: 'faceapi-1.7.15+box-v1'
	}
};

/**
 * For an embedder nobody calibrated: 0.6 is above every stranger score measured with the 1024-D models
 * but would name strangers with the 128-D ones, so calibrate before relying on it.
 */
export const FALLBACK_POLICY: CalibratedPolicy = {
	threshold: 0.6,
	loginThreshold: 0.65,
	margin: 0.08,
	strategy: 'centroid',
	calibratedWith: 'none'
};

/** The FAR-calibrated operating points of an embedder's current version (calibration/operating-points.ts). */
export function calibrationOf(embedder: string) {
	return isEmbedderId(embedder) ? calibrationFor(embedder, embedderMeta(embedder).version) : null;
}

/**
 * 1:N naming: the calibrated policy (FPIR target at a stated gallery size) where the embedder has one,
 * else the older per-embedder figures above, whose false-accept rate nobody measured.
 */
export function matchPolicyFor(embedder: string): MatchPolicy {
	const calibrated = calibrationOf(embedder);
	if (calibrated) {
		const { threshold, margin } = calibrated.identification;
		return { threshold, margin, strategy: 'centroid' };
	}
	const { threshold, margin, strategy } = MATCH_POLICIES[embedder] ?? FALLBACK_POLICY;
	return { threshold, margin, strategy };
}

/** Face login: one attempt is compared with every user, so its threshold is set per attempt at a stated user count. */
export function loginPolicyFor(embedder: string): MatchPolicy {
	const calibrated = calibrationOf(embedder);
	if (calibrated) {
		const { threshold, margin } = calibrated.login;
		return { threshold, margin, strategy: 'centroid' };
	}
	const { loginThreshold, margin, strategy } = MATCH_POLICIES[embedder] ?? FALLBACK_POLICY;
	return { threshold: loginThreshold, margin, strategy };
}

/**
 * The score against another user's template at which a new face-login enrolment is refused (core `shadowedPerson`):
 * the login threshold, so a face (or the new template) that would log in as someone else cannot be enrolled.
 * `npx tsx scripts/experiments/enrolment-conflicts.ts` (calibration set, identities split; chosen on one half,
 * measured on the other): honest sign-ups refused 0.6 % at 100 users and 5.8 % at 1,000; a template of another
 * enrolled person's photos caught 94.8 %. A margin lower (0.942 for the default embedder) caught them all but refused
 * 15 % of honest sign-ups at 100 users (per face) or 39 % (the template): the margin's worth of scores is where
 * honest strangers meet.
 */
export function enrolmentConflictBar(policy: MatchPolicy): number {
	return policy.threshold;
}

/** What a 1:N answer promises, stated with it: the threshold and margin, and the FAR they were calibrated for. */
export interface StatedOperatingPoint {
	threshold: number;
	margin: number;
	/** Strangers named (recognition) or let in per attempt (login) at most this often... */
	false_positive_target: number | null;
	/** ...with a gallery of this many people (recognition) or users (login). */
	at_gallery_size: number | null;
	calibrated: boolean;
}

export function statedOperatingPoint(embedder: string, use: 'recognition' | 'login'): StatedOperatingPoint {
	const calibrated = calibrationOf(embedder);
	const policy = use === 'login' ? loginPolicyFor(embedder) : matchPolicyFor(embedder);
	const point = calibrated ? (use === 'login' ? calibrated.login : calibrated.identification) : null;
	return {
		threshold: policy.threshold,
		margin: policy.margin,
		false_positive_target: point ? ('targetFar' in point ? point.targetFar : point.targetFpir) : null,
		at_gallery_size: point ? ('users' in point ? point.users : point.gallery) : null,
		calibrated: point !== null
	};
}

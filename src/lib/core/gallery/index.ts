export { matchFace, matchFrame, rankPeople, shadowedPerson } from './match';
export type { Candidate, FaceMatch, Gallery, UnknownReason } from './match';
export { GalleryMatrix, type TopTwo } from './matrix';
export { buildTemplate, scorePerson } from './template';
export type { PersonTemplate, ScoreStrategy } from './template';
export {
	FALLBACK_POLICY,
	CALIBRATION_SAFETY,
	enrolmentConflictBar,
	LOGIN_SAFETY,
	loginPolicyFor,
	MATCH_POLICIES,
	matchPolicyFor,
	statedOperatingPoint
} from './thresholds';
export type { CalibratedPolicy, MatchPolicy, StatedOperatingPoint } from './thresholds';
export { cosine, dot, meanDirection, normalize } from './vector';

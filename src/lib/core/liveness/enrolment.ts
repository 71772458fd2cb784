import { assessQuality, DEFAULT_QUALITY, type QualityThresholds } from '../quality';
import type { DetectedFace, PixelImage } from '../types';
import { POSE_ACTIONS, type LivenessAction } from './actions';
import type { LivenessResult } from './check';

export interface EnrolmentFrame {
	/** `straight`, or the head movement the frame shows. */
	pose: 'straight' | LivenessAction;
	image: PixelImage;
	face: DetectedFace;
}

/**
 * The frames a passed guided capture enrols: looking straight (the decision frame), then one frame per head
 * movement, each kept only if it meets the same quality limits as an uploaded enrolment photo.
 */
export function enrolmentFrames(
	result: LivenessResult,
	thresholds: QualityThresholds = DEFAULT_QUALITY
): { accepted: EnrolmentFrame[]; rejected: { pose: string; issues: string[] }[] } {
	if (!result.passed || !result.decision) return { accepted: [], rejected: [] };
	const candidates: EnrolmentFrame[] = [
		{ pose: 'straight', image: result.decision.image, face: result.decision.face },
		...result.stepFrames
			.filter((s) => POSE_ACTIONS.includes(s.action))
			.map((s) => ({ pose: s.action, image: s.image, face: s.face }))
	];
	const accepted: EnrolmentFrame[] = [];
	const rejected: { pose: string; issues: string[] }[] = [];
	for (const frame of candidates) {
		const quality = assessQuality(frame.image, frame.face, thresholds);
		if (quality.ok) accepted.push(frame);
		else rejected.push({ pose: frame.pose, issues: quality.issues });
	}
	return { accepted, rejected };
}

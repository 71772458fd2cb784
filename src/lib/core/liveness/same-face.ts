import { calibrationFor, thresholdForFar } from '../calibration/operating-points';
import type { EngineInfo } from '../types';

/** False-accept rate per compared frame of the identity-continuity check (one person throughout). */
export const SAME_FACE_FAR = 1e-2;
/**
 * Per compared frame, for the frames that show an action against the decision frame: looser, because a
 * turned or nodding face embeds further from a frontal one. Measured on the shared bona fide clips (7 people,
 * actions against each one's frontal frame): same person p10 0.92-0.98, lowest 0.871 (one tv_real frame,
 * its neighbours pass); other people's action frames median 0.855, p90 0.907, highest 0.930.
 */
export const ACTION_FACE_FAR = 1e-1;
const UNCALIBRATED_ACTION_FACE = 0.85;

export function actionFaceThreshold(info: Pick<EngineInfo, 'embedder' | 'embedderVersion'>): number {
	const calibration = calibrationFor(info.embedder, info.embedderVersion);
	return calibration ? thresholdForFar(calibration, ACTION_FACE_FAR) : UNCALIBRATED_ACTION_FACE;
}

/** For an embedder without a calibration: a cosine that only the same person reaches in practice. */
const UNCALIBRATED_SAME_FACE = 0.9;

/** Cosine two frames of one capture must reach to count as the same person. */
export function sameFaceThreshold(info: Pick<EngineInfo, 'embedder' | 'embedderVersion'>): number {
	const calibration = calibrationFor(info.embedder, info.embedderVersion);
	return calibration ? thresholdForFar(calibration, SAME_FACE_FAR) : UNCALIBRATED_SAME_FACE;
}

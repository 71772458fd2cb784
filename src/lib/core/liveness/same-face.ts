import { calibrationFor, thresholdForFar } from '../calibration/operating-points';
import type { EngineInfo } from '../types';

/** False-accept rate per compared frame of the identity-continuity check (one person throughout). */
export const SAME_FACE_FAR = 1e-2;
/** For an embedder without a calibration: a cosine that only the same person reaches in practice. */
const UNCALIBRATED_SAME_FACE = 0.9;

/** Cosine two frames of one capture must reach to count as the same person. */
export function sameFaceThreshold(info: Pick<EngineInfo, 'embedder' | 'embedderVersion'>): number {
	const calibration = calibrationFor(info.embedder, info.embedderVersion);
	return calibration ? thresholdForFar(calibration, SAME_FACE_FAR) : UNCALIBRATED_SAME_FACE;
}

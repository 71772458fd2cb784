/**
 * Operating points measured on the calibration set (605 identities, 7,123 photos; CALIBRATION.md
 * beside this file has the method and the figures): for each embedder version, the cosine thresholds that give a
 * chosen false-accept rate, fitted on half of the identities. Numbers only: nothing here identifies a
 * person. `npm run calibrate` recomputes them and tests/calibration.test.ts checks they still follow.
 */

/** False-accept rate of a template (5+ photos) against one photo of somebody else, at a cosine threshold. */
export interface FarPoint {
	far: number;
	threshold: number;
}

export interface GalleryPolicy {
	threshold: number;
	margin: number;
}

export interface EmbedderCalibration {
	embedder: string;
	embedderVersion: string;
	/** Ascending thresholds (descending FAR); the presets 1e-2, 1e-3 and 1e-4 are among them. */
	verification: FarPoint[];
	/** 1:N naming: strangers named at most `targetFpir` of the time against a gallery of `gallery` people. */
	identification: GalleryPolicy & { gallery: number; targetFpir: number };
	/** Face login: one attempt against every user; at most `targetFar` false accepts per attempt with `users` users. */
	login: GalleryPolicy & { users: number; targetFar: number };
}

export const VERIFICATION_PRESETS = [1e-2, 1e-3, 1e-4] as const;
export const DEFAULT_TARGET_FAR = 1e-3;

export const CALIBRATIONS: readonly EmbedderCalibration[] = [
	{
		// npm run calibrate (605 identities, seed 42): 303 identities fit, 302 held out.
		embedder: 'dlib-resnet128',
		embedderVersion: 'faceapi-1.7.15+align-v1+flip-v1',
		verification: [
			{ far: 0.1, threshold: 0.904 },
			{ far: 0.03, threshold: 0.9197 },
			{ far: 0.01, threshold: 0.9301 },
			{ far: 0.003, threshold: 0.9389 },
			{ far: 0.001, threshold: 0.9454 },
			{ far: 0.0003, threshold: 0.9508 },
			{ far: 0.0001, threshold: 0.9552 },
			{ far: 3e-5, threshold: 0.9597 },
			{ far: 1e-5, threshold: 0.965 }
		],
		identification: { gallery: 100, targetFpir: 0.001, threshold: 0.961, margin: 0.03 },
		login: { users: 20, targetFar: 0.0001, threshold: 0.972, margin: 0.03 }
	}
];

export function calibrationFor(embedder: string, embedderVersion: string): EmbedderCalibration | null {
	return CALIBRATIONS.find((c) => c.embedder === embedder && c.embedderVersion === embedderVersion) ?? null;
}

/** Interpolates log10(FAR) linearly between measured points; clamps outside them. */
export function farAtThreshold(calibration: EmbedderCalibration, threshold: number): number {
	const pts = calibration.verification;
	if (threshold <= pts[0].threshold) return pts[0].far;
	const last = pts[pts.length - 1];
	if (threshold >= last.threshold) return last.far;
	const i = pts.findIndex((p) => p.threshold >= threshold);
	const a = pts[i - 1];
	const b = pts[i];
	const t = (threshold - a.threshold) / (b.threshold - a.threshold);
	return 10 ** (Math.log10(a.far) + t * (Math.log10(b.far) - Math.log10(a.far)));
}

/** The threshold for a target FAR (same interpolation, inverted). */
export function thresholdForFar(calibration: EmbedderCalibration, far: number): number {
	const pts = calibration.verification;
	if (far >= pts[0].far) return pts[0].threshold;
	const last = pts[pts.length - 1];
	if (far <= last.far) return last.threshold;
	const i = pts.findIndex((p) => p.far <= far);
	const a = pts[i - 1];
	const b = pts[i];
	const t = (Math.log10(far) - Math.log10(a.far)) / (Math.log10(b.far) - Math.log10(a.far));
	return a.threshold + t * (b.threshold - a.threshold);
}

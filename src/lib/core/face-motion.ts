import type { FaceMotion } from './types';

/** [x, y, z?] mesh point as Human returns it, in image pixels. */
type MeshPoint = readonly [number, number, number?];

/** MediaPipe FaceMesh (468 points) indices for the eyelids, lips and corners. */
const EYE = {
	right: { outer: 33, inner: 133, upper: [160, 158], lower: [144, 153] },
	left: { outer: 263, inner: 362, upper: [385, 387], lower: [380, 373] }
} as const;
const MOUTH = { upperInner: 13, lowerInner: 14, right: 61, left: 291 } as const;

const dist = (a: MeshPoint, b: MeshPoint): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Eye aspect ratio: lid gap over eye width (about 0.25-0.35 open, under 0.15 closed). */
function eyeAspect(mesh: readonly MeshPoint[], eye: (typeof EYE)['left' | 'right']): number {
	const width = dist(mesh[eye.outer], mesh[eye.inner]);
	if (width === 0) return 0;
	const gaps = eye.upper.map((u, i) => dist(mesh[u], mesh[eye.lower[i]]));
	return (gaps[0] + gaps[1]) / (2 * width);
}

const degrees = (radians: number | undefined): number =>
	typeof radians === 'number' && Number.isFinite(radians) ? (radians * 180) / Math.PI : 0;

/**
 * What a liveness challenge watches, from the face mesh the detector already computes: head pose in degrees
 * (Human's mesh-based angles) and eye and mouth openness as ratios that do not depend on the face's size.
 * Null without a full mesh (BlazeFace keypoints alone cannot tell an open eye from a closed one).
 */
export function faceMotion(
	mesh: readonly MeshPoint[],
	angle: { yaw?: number; pitch?: number; roll?: number } | undefined
): FaceMotion | null {
	if (mesh.length < 468 || !angle) return null;
	const mouthWidth = dist(mesh[MOUTH.right], mesh[MOUTH.left]);
	return {
		yaw: degrees(angle.yaw),
		pitch: degrees(angle.pitch),
		roll: degrees(angle.roll),
		eyeOpen: (eyeAspect(mesh, EYE.left) + eyeAspect(mesh, EYE.right)) / 2,
		mouthOpen: mouthWidth === 0 ? 0 : dist(mesh[MOUTH.upperInner], mesh[MOUTH.lowerInner]) / mouthWidth
	};
}

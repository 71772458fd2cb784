import type { FaceEngine } from '../../lib/core/face-engine';
import type { DetectedFace, Embedding, PixelImage } from '../../lib/core/types';

/**
 * The evaluation replays the same frames in many trials: remember each frame's detections and embeddings
 * (keyed by the frame object) so a trial costs only the judging. The answers are the engine's own.
 */
export function memoEngine(engine: FaceEngine): FaceEngine {
	const detected = new WeakMap<PixelImage, Promise<DetectedFace[]>>();
	const embedded = new WeakMap<PixelImage, Map<string, Promise<Embedding>>>();
	return {
		info: engine.info,
		load: () => engine.load(),
		dispose: () => engine.dispose(),
		detect(image) {
			if (!detected.has(image)) detected.set(image, engine.detect(image));
			return detected.get(image)!;
		},
		embed(image, face) {
			const key = face.box.join(',');
			const byFace = embedded.get(image) ?? new Map<string, Promise<Embedding>>();
			embedded.set(image, byFace);
			if (!byFace.has(key)) byFace.set(key, engine.embed(image, face));
			return byFace.get(key)!;
		}
	};
}

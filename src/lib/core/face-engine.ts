import type { DetectedFace, Embedding, EngineInfo, PixelImage } from './types';

/**
 * A face engine: detection with landmarks, and an embedding of one aligned face.
 * One implementation per runtime binds Human + tfjs there; the core only sees this interface.
 * Implementations serialise their own calls: concurrent detect() on one Human instance corrupts results.
 */
export interface FaceEngine {
	readonly info: EngineInfo;
	/** Loads and warms the models; idempotent, safe to call concurrently. */
	load(): Promise<void>;
	/** All faces in the image, largest first. */
	detect(image: PixelImage): Promise<DetectedFace[]>;
	/** L2-normalised embedding of one face found in this image. */
	embed(image: PixelImage, face: DetectedFace): Promise<Embedding>;
	dispose(): Promise<void>;
}

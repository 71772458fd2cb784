/** Plain pixel buffer shared by browser and server: row-major, 3 (RGB) or 4 (RGBA) channels. */
export interface PixelImage {
	width: number;
	height: number;
	channels: 3 | 4;
	data: Uint8Array | Uint8ClampedArray;
	/** Set when the image was downscaled from an upload: the upload's width over this width (boxes x it). */
	sourceScale?: number;
}

export type Point = [x: number, y: number];

/** [x, y, width, height] in pixels of the image the face was found in. */
export type Box = [x: number, y: number, width: number, height: number];

/** Five alignment points, always in this order. */
export interface FiveLandmarks {
	leftEye: Point; // the subject's left eye, i.e. on the image's right side for a frontal face
	rightEye: Point;
	nose: Point;
	mouthLeft: Point;
	mouthRight: Point;
}

export interface DetectedFace {
	box: Box;
	/** Detector confidence, 0..1. */
	score: number;
	landmarks: FiveLandmarks;
	/** Head yaw estimate in degrees when the detector provides one (0 = frontal). */
	yaw?: number;
	/** Head pose and eye/mouth openness from the face mesh, for liveness challenges. */
	motion?: FaceMotion;
}

/** One face's pose (degrees) and openness ratios in one frame. */
export interface FaceMotion {
	yaw: number;
	pitch: number;
	roll: number;
	/** Mean eye aspect ratio of both eyes: lid gap over eye width. */
	eyeOpen: number;
	/** Inner-lip gap over mouth width. */
	mouthOpen: number;
}

export type Embedding = Float32Array;

export interface EngineInfo {
	/** Embedder id recorded in model files; a model is only valid with the same id and version. */
	embedder: string;
	embedderVersion: string;
	embeddingSize: number;
	detector: string;
	/** tfjs backend actually in use: 'webgpu' | 'webgl' | 'wasm' | 'cpu'. */
	backend: string;
}

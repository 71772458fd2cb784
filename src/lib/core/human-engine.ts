import type { FaceResult, Human } from '@vladmandic/human';
import type * as tfTypes from '@tensorflow/tfjs-core';
import type { FaceEngine } from './face-engine';
import { createEmbedder, embedderMeta, type Embedder, type EmbedderDeps, type EmbedderId } from './embedders';
import { DLIB_CHIP } from './embedders/templates';
import { CoreError } from './errors';
import { faceMotion } from './face-motion';
import type { DetectedFace, EngineInfo, FiveLandmarks, PixelImage, Point } from './types';

export interface HumanEngineOptions {
	/** A constructed Human whose backend is already initialised (the runtime binding does that). */
	human: Human;
	/** The same tfjs-core instance Human runs on. */
	tf: EmbedderDeps['tf'];
	embedder: EmbedderId;
	/** How the runtime reads embedder weights (files on the server, fetch in the browser). */
	loadWeights: EmbedderDeps['loadWeights'];
	/** Optional second thread for the flip chip (the server binding provides one). */
	describeMirror?: EmbedderDeps['describeMirror'];
	/** Told as each step of load() ends (the browser marks them to time its warm start). */
	onLoadStep?: (step: 'models' | 'embedder' | 'detected' | 'warm' | 'mesh') => void;
}

/** FaceMesh indices (MediaPipe 468-point topology) for the five alignment points. */
const MESH = {
	rightEyeOuter: 33,
	rightEyeInner: 133,
	leftEyeInner: 362,
	leftEyeOuter: 263,
	noseTip: 1,
	mouthRight: 61,
	mouthLeft: 291
} as const;

/** BlazeFace keypoint order as Human returns it when the mesh is not available. */
const BLAZE = { imageLeftEye: 0, imageRightEye: 1, nose: 2, mouth: 3 } as const;

const MODELS_NEEDED = ['blazeface', 'facemesh'];

export function validatePixelImage(image: PixelImage): void {
	const { width, height, channels, data } = image ?? {};
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new CoreError('BAD_IMAGE', 'Image width and height must be positive integers.');
	}
	if (channels !== 3 && channels !== 4)
		throw new CoreError('BAD_IMAGE', 'Image must have 3 (RGB) or 4 (RGBA) channels.');
	if (!data || data.length !== width * height * channels) {
		throw new CoreError(
			'BAD_IMAGE',
			`Pixel buffer holds ${data?.length ?? 0} values, expected ${width * height * channels}.`
		);
	}
}

/** RGB values as int32, the dtype tfjs keeps without another copy (alpha dropped). */
function rgbInt32(image: PixelImage): Int32Array {
	if (image.channels === 3) return new Int32Array(image.data);
	const n = image.width * image.height;
	const out = new Int32Array(n * 3);
	for (let i = 0, j = 0; i < n; i++, j += 4) {
		out[i * 3] = image.data[j];
		out[i * 3 + 1] = image.data[j + 1];
		out[i * 3 + 2] = image.data[j + 2];
	}
	return out;
}

type MeshPoint = FaceResult['mesh'][number];
const mid = (a: MeshPoint, b: MeshPoint): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
const xy = (p: MeshPoint): Point => [p[0], p[1]];

/**
 * Five landmarks from Human's face result. With the mesh: eye centres from the eye corners, the nose tip
 * and the mouth corners. Without it (only BlazeFace's six keypoints) both mouth corners are the mouth
 * centre: a least-squares fit then maps it onto the middle of the template's mouth, which is right.
 */
export function fiveLandmarks(face: Pick<FaceResult, 'mesh'>): FiveLandmarks {
	const m = face.mesh;
	if (m.length >= 468) {
		return {
			leftEye: mid(m[MESH.leftEyeInner], m[MESH.leftEyeOuter]),
			rightEye: mid(m[MESH.rightEyeInner], m[MESH.rightEyeOuter]),
			nose: xy(m[MESH.noseTip]),
			mouthLeft: xy(m[MESH.mouthLeft]),
			mouthRight: xy(m[MESH.mouthRight])
		};
	}
	if (m.length >= 4) {
		const mouth = xy(m[BLAZE.mouth]);
		return {
			leftEye: xy(m[BLAZE.imageRightEye]),
			rightEye: xy(m[BLAZE.imageLeftEye]),
			nose: xy(m[BLAZE.nose]),
			mouthLeft: mouth,
			mouthRight: [mouth[0], mouth[1]]
		};
	}
	throw new CoreError('INTERNAL', 'detector returned a face without landmarks');
}

function toDetectedFace(face: FaceResult): DetectedFace {
	const [x, y, w, h] = face.box;
	const yaw = face.rotation?.angle?.yaw;
	const motion = faceMotion(face.mesh, face.rotation?.angle);
	return {
		box: [x, y, w, h],
		score: face.score,
		landmarks: fiveLandmarks(face),
		...(typeof yaw === 'number' && Number.isFinite(yaw) ? { yaw: (yaw * 180) / Math.PI } : {}),
		...(motion ? { motion } : {})
	};
}

/** A grey image and a "face" placed on the template, to compile every kernel once at load time. */
function warmupInputs(): { image: PixelImage; face: DetectedFace } {
	const size = 256;
	const image: PixelImage = {
		width: size,
		height: size,
		channels: 3,
		data: new Uint8Array(size * size * 3).fill(128)
	};
	const shift = (p: Point): Point => [p[0] + 50, p[1] + 50];
	const [le, re, nose, ml, mr] = DLIB_CHIP.points;
	const landmarks = {
		leftEye: shift(le),
		rightEye: shift(re),
		nose: shift(nose),
		mouthLeft: shift(ml),
		mouthRight: shift(mr)
	};
	return { image, face: { box: [50, 50, 150, 150], score: 1, landmarks } };
}

/**
 * Human's detect() is not re-entrant, and its model modules keep state at module level (shared by every
 * Human instance of one build): all calls of all engines on the same Human class go through one queue.
 */
const queues = new WeakMap<object, Promise<unknown>>();

/** FaceEngine on Human (BlazeFace + FaceMesh) plus a chosen embedder; one per runtime binding. */
export function createHumanEngine(options: HumanEngineOptions): FaceEngine {
	const { human, tf } = options;
	const meta = embedderMeta(options.embedder);
	const info: EngineInfo = {
		embedder: meta.id,
		embedderVersion: meta.version,
		embeddingSize: meta.size,
		detector: `human-${human.version}:blazeface+facemesh`,
		backend: tf.getBackend() ?? 'unknown'
	};
	let embedder: Embedder | null = null;
	let loading: Promise<void> | null = null;
	let disposed = false;
	const serial = <T>(task: () => Promise<T>): Promise<T> => {
		const key = human.constructor;
		const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
		queues.set(
			key,
			run.catch(() => undefined)
		);
		return run;
	};

	async function detectNow(image: PixelImage): Promise<DetectedFace[]> {
		validatePixelImage(image);
		const input = tf.tensor3d(rgbInt32(image), [image.height, image.width, 3], 'int32');
		try {
			const result = await human.detect(input);
			if (result.error) throw new CoreError('INTERNAL', `face detection failed: ${result.error}`);
			const faces = result.face.map(toDetectedFace);
			for (const f of result.face) tf.dispose(f.tensor as tfTypes.Tensor | undefined);
			return faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
		} finally {
			input.dispose();
		}
	}

	async function embedNow(image: PixelImage, face: DetectedFace): Promise<Float32Array> {
		if (!embedder) throw new CoreError('ENGINE_UNAVAILABLE', 'face engine is not loaded');
		validatePixelImage(image);
		const out = await embedder.embed(image, face);
		if (out.length !== meta.size)
			throw new CoreError('INTERNAL', `embedder gave ${out.length} values, expected ${meta.size}`);
		return out;
	}

	async function loadNow(): Promise<void> {
		await human.load();
		const stats = human.models.stats();
		const needed = meta.needsFaceres ? [...MODELS_NEEDED, 'faceres'] : MODELS_NEEDED;
		const missing = needed.filter(
			(name) => !human.models.models[name] || !stats.modelStats.some((m) => m.name === name && m.loaded)
		);
		if (missing.length > 0) {
			// Human caches models per process and would keep the broken ones: make the next load() start over (the
			// browser's binding clears this flag only before a worker's first load).
			human.env.initial = true;
			throw new CoreError('MODEL_MISSING', `face models failed to load: ${missing.join(', ')}`);
		}
		options.onLoadStep?.('models');
		// Faceres stays loaded for the embedder but must not run inside every detect().
		human.config.face.description = { ...human.config.face.description, enabled: false };
		embedder = await createEmbedder(meta.id, {
			tf,
			loadWeights: options.loadWeights,
			faceres: human.models.models.faceres,
			describeMirror: options.describeMirror
		});
		if (embedder.version !== meta.version) throw new CoreError('INTERNAL', 'embedder version mismatch');
		info.backend = tf.getBackend() ?? info.backend;
		options.onLoadStep?.('embedder');
		const warm = warmupInputs();
		await detectNow(warm.image);
		options.onLoadStep?.('detected');
		if (embedder.warmUp) await embedder.warmUp();
		else await embedNow(warm.image, warm.face);
		options.onLoadStep?.('warm');
		// A grey image has no face, so FaceMesh did not run above: its first run (about 40 ms of a first frame's 60 ms
		// more) would fall on the first frame with a face. It runs in the queue once load() has answered (a timer:
		// after whoever awaits load() is told), so the engine says ready as soon as before; a call made after that
		// answer waits for it, as it would have paid for it.
		setTimeout(
			() =>
				void serial(async () => {
					if (warmFaceMesh()) options.onLoadStep?.('mesh');
				}).catch(() => undefined), // a failed warm-up leaves the first face to pay, nothing worse
			0
		);
	}

	/** FaceMesh's graph once on a blank input of its own size: builds its kernels, as a face would. */
	function warmFaceMesh(): boolean {
		const mesh = human.models.models.facemesh as
			| { inputs: { shape?: number[] }[]; execute(input: tfTypes.Tensor): tfTypes.Tensor | tfTypes.Tensor[] }
			| null
			| undefined;
		const shape = mesh?.inputs[0]?.shape?.map((d) => (d > 0 ? d : 1));
		if (!mesh || !shape || disposed) return false;
		tf.tidy(() => {
			mesh.execute(tf.zeros(shape));
		});
		return true;
	}

	function load(): Promise<void> {
		if (disposed) return Promise.reject(new CoreError('ENGINE_UNAVAILABLE', 'face engine was disposed'));
		loading ??= serial(loadNow).catch((error: unknown) => {
			loading = null; // a later call may retry, e.g. after the model files are restored
			throw error;
		});
		return loading;
	}

	return {
		info,
		load,
		async detect(image) {
			validatePixelImage(image);
			await load();
			return serial(() => detectNow(image));
		},
		async embed(image, face) {
			validatePixelImage(image);
			await load();
			return serial(() => embedNow(image, face));
		},
		dispose() {
			disposed = true;
			return serial(async () => {
				embedder?.dispose();
				embedder = null;
			});
		}
	};
}

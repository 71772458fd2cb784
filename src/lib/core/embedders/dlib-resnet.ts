import type * as tfTypes from '@tensorflow/tfjs-core';
import { alignFace, cropBox, mirrorChip, mirrorTemplate } from '../align';
import { CoreError } from '../errors';
import type { DetectedFace, PixelImage } from '../types';
import { decodeWeight } from './dequantize';
import { toFloat16, weightOffsets } from './float16';
import { DLIB_CHIP } from './templates';
import { l2normalize, type Embedder, type RawWeights, type Tf } from './types';

/**
 * dlib's face-recognition ResNet (29 conv layers, 150x150 RGB in, 128-D out) as ported by face-api.js
 * (FaceRecognitionNet), rewritten on plain tfjs-core ops so it runs on the same tfjs instance as Human.
 * Each conv's affine "scale" layer is folded into its filters and bias at load time (exact up to float
 * rounding), so a conv layer is one fused conv2d (+relu).
 */

const INPUT_SIZE = 150;
const MEAN_RGB = [122.782, 117.001, 104.298];
/**
 * face-api 1.7.15's weights, its float32 tensors rounded to float16 (float16.ts; issue 12: what the browser
 * downloads). The version did not change with the rounding: over the 6,961 calibration photos with a face the
 * float16 descriptors have cosine >= 0.99999997 with the float32 ones, less than the browser/server difference,
 * and every operating point re-measured on them came out the same; tests/engine.test.ts holds them to face-api's.
 */
const WEIGHTS_VERSION = 'faceapi-1.7.15';

interface ConvLayer {
	filter: tfTypes.Tensor4D;
	bias: tfTypes.Tensor1D;
}
interface Residual {
	conv1: ConvLayer;
	conv2: ConvLayer;
}
interface Params {
	stem: ConvLayer;
	blocks: { name: string; down: boolean; layers: Residual }[];
	fc: tfTypes.Tensor2D;
}

const BLOCKS: [name: string, down: boolean][] = [
	['conv32_1', false],
	['conv32_2', false],
	['conv32_3', false],
	['conv64_down', true],
	['conv64_1', false],
	['conv64_2', false],
	['conv64_3', false],
	['conv128_down', true],
	['conv128_1', false],
	['conv128_2', false],
	['conv256_down', true],
	['conv256_1', false],
	['conv256_2', false],
	['conv256_down_out', true]
];

function buildParams(tf: Tf, weights: RawWeights): Params {
	// The same rounding wherever the weights come from: the npm package's float32 file (server) or the float16
	// copy the browser downloads (already rounded: copied as it is).
	const half = toFloat16(weights);
	// Each tensor is decoded when its layer is built, from its own bytes, and freed with that layer's tidy(): the
	// decoded float32 weights are never all in memory at once beside the folded ones.
	const offsets = weightOffsets(half.specs);
	const where = new Map(half.specs.map((spec, i) => [spec.name, { spec, offset: offsets[i] }]));
	const decoded: tfTypes.Tensor[] = [];
	const take = (name: string): tfTypes.Tensor => {
		const entry = where.get(name);
		if (!entry) throw new CoreError('MODEL_INVALID', `dlib-resnet weights lack ${name}`);
		const t = decodeWeight(tf, half.data, entry.offset, entry.spec);
		decoded.push(t);
		return t;
	};
	const conv = (prefix: string): ConvLayer =>
		tf.tidy(() => {
			const scale = take(`${prefix}/scale/weights`);
			return {
				filter: tf.mul(take(`${prefix}/conv/filters`), scale) as tfTypes.Tensor4D,
				bias: tf.add(
					tf.mul(take(`${prefix}/conv/bias`), scale),
					take(`${prefix}/scale/biases`)
				) as tfTypes.Tensor1D
			};
		});
	try {
		const stem = conv('conv32_down');
		const blocks: Params['blocks'] = [];
		for (const [name, down] of BLOCKS) {
			blocks.push({ name, down, layers: { conv1: conv(`${name}/conv1`), conv2: conv(`${name}/conv2`) } });
		}
		return { stem, blocks, fc: tf.clone(take('fc')) as tfTypes.Tensor2D };
	} finally {
		tf.dispose(decoded); // those decoded inside a layer's tidy() are already freed
	}
}

function disposeParams(tf: Tf, p: Params): void {
	const layers = [p.stem, ...p.blocks.flatMap((b) => [b.layers.conv1, b.layers.conv2])];
	tf.dispose([p.fc, ...layers.flatMap((l) => [l.filter, l.bias])]);
}

function network(tf: Tf, p: Params) {
	const conv = (
		x: tfTypes.Tensor4D,
		l: ConvLayer,
		stride: 1 | 2,
		relu: boolean,
		pad: 'same' | 'valid' = 'same'
	): tfTypes.Tensor4D =>
		tf.fused.conv2d({
			x,
			filter: l.filter,
			strides: stride,
			pad,
			bias: l.bias,
			activation: relu ? 'relu' : 'linear'
		});
	const residual = (x: tfTypes.Tensor4D, r: Residual): tfTypes.Tensor4D =>
		tf.relu(tf.add(conv(conv(x, r.conv1, 1, true), r.conv2, 1, false), x));
	const residualDown = (x: tfTypes.Tensor4D, r: Residual): tfTypes.Tensor4D => {
		let out = conv(conv(x, r.conv1, 2, true, 'valid'), r.conv2, 1, false);
		let shortcut: tfTypes.Tensor4D = tf.avgPool(x, 2, 2, 'valid');
		if (shortcut.shape[3] !== out.shape[3]) shortcut = tf.concat([shortcut, tf.zerosLike(shortcut)], 3);
		// A valid stride-2 conv on an odd size gives one row/column fewer than the 2x2 pool: dlib pads with zeros.
		const [, sh, sw] = shortcut.shape;
		const [, oh, ow] = out.shape;
		if (oh !== sh || ow !== sw) {
			out = tf.pad(out, [
				[0, 0],
				[0, sh - oh],
				[0, sw - ow],
				[0, 0]
			]);
		}
		return tf.relu(tf.add(shortcut, out));
	};
	return {
		stem(batch: tfTypes.Tensor4D): tfTypes.Tensor4D {
			const mean = tf.tensor1d(MEAN_RGB);
			const normalised = tf.div(tf.sub(tf.cast(batch, 'float32'), mean), 255) as tfTypes.Tensor4D;
			return tf.maxPool(conv(normalised, p.stem, 2, true, 'valid'), 3, 2, 'valid');
		},
		block(x: tfTypes.Tensor4D, block: Params['blocks'][number]): tfTypes.Tensor4D {
			return block.down ? residualDown(x, block.layers) : residual(x, block.layers);
		},
		head(x: tfTypes.Tensor4D): tfTypes.Tensor2D {
			return tf.matMul(tf.mean(x, [1, 2]) as tfTypes.Tensor2D, p.fc);
		}
	};
}

function forward(tf: Tf, p: Params, batch: tfTypes.Tensor4D): tfTypes.Tensor2D {
	const net = network(tf, p);
	return tf.tidy(() => {
		let x = net.stem(batch);
		for (const block of p.blocks) x = net.block(x, block);
		return net.head(x);
	});
}

/** Raw 128-D descriptors of 150x150 RGB chips (not normalised): the network's own output, for checks. */
export interface DlibResnet {
	describeChip(chip: PixelImage): Promise<Float32Array>;
	/** Several chips as one batch: one pass through the network, one row of 128 values per chip. */
	describeChips(chips: readonly PixelImage[]): Promise<Float32Array[]>;
	dispose(): void;
}

export function createDlibResnet(tf: Tf, weights: RawWeights): DlibResnet {
	let params: Params | null = buildParams(tf, weights);
	async function describeChips(chips: readonly PixelImage[]): Promise<Float32Array[]> {
		if (!params) throw new CoreError('ENGINE_UNAVAILABLE', 'dlib-resnet was disposed');
		const pixels = INPUT_SIZE * INPUT_SIZE * 3;
		const batch = new Int32Array(chips.length * pixels);
		chips.forEach((chip, i) => {
			if (chip.width !== INPUT_SIZE || chip.height !== INPUT_SIZE || chip.channels !== 3) {
				throw new CoreError('BAD_REQUEST', `dlib-resnet needs a ${INPUT_SIZE}x${INPUT_SIZE} RGB chip`);
			}
			batch.set(chip.data, i * pixels);
		});
		const p = params;
		const out = tf.tidy(() =>
			forward(tf, p, tf.tensor4d(batch, [chips.length, INPUT_SIZE, INPUT_SIZE, 3], 'int32'))
		);
		try {
			const flat = (await out.data()) as Float32Array;
			return chips.map((_, i) => flat.slice(i * 128, (i + 1) * 128));
		} finally {
			out.dispose();
		}
	}
	return {
		describeChips,
		async describeChip(chip) {
			return (await describeChips([chip]))[0];
		},
		dispose() {
			if (params) disposeParams(tf, params);
			params = null;
		}
	};
}

/**
 * 'flip' (the default): 5-point aligned chip plus its mirror image, one batch of two, descriptors averaged.
 * 'landmarks': the aligned chip alone (the version before flip averaging). 'box': face-api-style box crop.
 */
export type DlibAlignment = 'flip' | 'landmarks' | 'box';

export function dlibResnetMeta(alignment: DlibAlignment): { id: string; version: string; size: number } {
	switch (alignment) {
		case 'flip':
			return { id: 'dlib-resnet128', version: `${WEIGHTS_VERSION}+${DLIB_CHIP.version}+flip-v1`, size: 128 };
		case 'landmarks':
			return { id: 'dlib-resnet128-noflip', version: `${WEIGHTS_VERSION}+${DLIB_CHIP.version}`, size: 128 };
		case 'box':
			return { id: 'dlib-resnet128-box', version: `${WEIGHTS_VERSION}+box-v1`, size: 128 };
	}
}

/**
 * Horizontal-flip averaging: the face aligned onto the mirrored template, then flipped, is the mirror image
 * of the face aligned exactly like the first chip. The two L2-normalised descriptors are added and
 * re-normalised (about +0.3 points of pair accuracy on a 6,000-pair public benchmark; issue 7).
 */
export function flippedChip(image: PixelImage, face: DetectedFace): PixelImage {
	return mirrorChip(alignFace(image, face.landmarks, MIRRORED_DLIB_CHIP));
}

const MIRRORED_DLIB_CHIP = mirrorTemplate(DLIB_CHIP);

/** Raw descriptor of one 150x150 chip computed elsewhere (a second thread), so both chips run at once. */
export type ChipDescriber = (chip: PixelImage) => Promise<Float32Array>;

interface DlibEmbedderOptions {
	alignment?: DlibAlignment;
	describeMirror?: ChipDescriber;
}

export function createDlibResnetEmbedder(
	tf: Tf,
	weights: RawWeights,
	options: DlibEmbedderOptions = {}
): Embedder {
	const alignment = options.alignment ?? 'flip';
	const { describeMirror } = options;
	const net = createDlibResnet(tf, weights);
	const embed = async (image: PixelImage, face: DetectedFace): Promise<Float32Array> => {
		if (alignment === 'box') return l2normalize(await net.describeChip(cropBox(image, face.box, INPUT_SIZE)));
		const chip = alignFace(image, face.landmarks, DLIB_CHIP);
		if (alignment === 'landmarks') return l2normalize(await net.describeChip(chip));
		const mirror = flippedChip(image, face);
		// On one WASM thread a batch of two costs as much as two chips; a second thread halves the wait.
		// Hand the mirror chip to the other thread first: the local forward pass blocks until it is done.
		const elsewhere = describeMirror?.(mirror).catch(() => null);
		let plain: Float32Array;
		let mirrored: Float32Array | null;
		if (elsewhere) [plain, mirrored] = [await net.describeChip(chip), await elsewhere];
		else [plain, mirrored] = await net.describeChips([chip, mirror]);
		// A second thread that failed costs time, never an answer.
		mirrored ??= await net.describeChip(mirror);
		const a = l2normalize(plain);
		const b = l2normalize(mirrored);
		return l2normalize(a.map((v, i) => v + b[i]));
	};
	// On WASM and the CPU one grey chip builds every kernel, as the flip pair would (their operators do not depend
	// on the batch): the pair's second pass is about 25 ms of the browser's warm start, and the first real pair then
	// costs about 10 ms more than later ones. GPU backends may compile per batch size: they warm up with a pair. A
	// mirror thread (the server's) has its own kernels: there the engine warms up with embed(), which runs both.
	const warmUp = describeMirror
		? undefined
		: async () => {
				const grey = new Uint8Array(INPUT_SIZE * INPUT_SIZE * 3).fill(128);
				const chip = { width: INPUT_SIZE, height: INPUT_SIZE, channels: 3 as const, data: grey };
				await net.describeChips(['wasm', 'cpu'].includes(tf.getBackend()) ? [chip] : [chip, chip]);
			};
	return { ...dlibResnetMeta(alignment), embed, warmUp, dispose: () => net.dispose() };
}

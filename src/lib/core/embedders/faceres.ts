import type * as tfTypes from '@tensorflow/tfjs-core';
import { alignFace } from '../align';
import { CoreError } from '../errors';
import { FACERES_CHIP } from './templates';
import { l2normalize, type Embedder, type Tf } from './types';

/** The slice of a tfjs GraphModel the embedder uses (Human loads faceres; we run it ourselves). */
export interface GraphModelLike {
	execute(inputs: tfTypes.Tensor): tfTypes.Tensor | tfTypes.Tensor[];
}

const MODEL_VERSION = 'human-3.3.6-faceres';
const INPUT_SIZE = 224;
const DESCRIPTOR_SIZE = 1024;

export function faceresMeta(bgr: boolean): { id: string; version: string; size: number } {
	return {
		id: bgr ? 'faceres-bgr' : 'faceres',
		version: `${MODEL_VERSION}+${bgr ? 'bgr' : 'rgb'}+${FACERES_CHIP.version}`,
		size: DESCRIPTOR_SIZE
	};
}

/**
 * Human's faceres (HSE FaceRes, 1024-D) run on our own aligned 224x224 crop, pixel values 0..255 as
 * Human feeds it. `bgr` reverses the colour channels first: faceres separated people better that way
 * on every set measured, which suggests it was trained on BGR (OpenCV) images.
 */
export function createFaceresEmbedder(tf: Tf, model: GraphModelLike, options: { bgr: boolean }): Embedder {
	const { bgr } = options;
	return {
		...faceresMeta(bgr),
		async embed(image, face) {
			const chip = alignFace(image, face.landmarks, FACERES_CHIP);
			const outputs = tf.tidy(() => {
				let input: tfTypes.Tensor = tf.tensor4d(
					new Int32Array(chip.data),
					[1, INPUT_SIZE, INPUT_SIZE, 3],
					'int32'
				);
				input = tf.cast(input, 'float32');
				if (bgr) input = tf.reverse(input, 3);
				const out = model.execute(input);
				return Array.isArray(out) ? out : [out];
			});
			try {
				const descriptor = outputs.find((t) => t.shape[1] === DESCRIPTOR_SIZE);
				if (!descriptor) throw new CoreError('MODEL_INVALID', 'faceres gave no 1024-D descriptor');
				return l2normalize(await descriptor.data());
			} finally {
				tf.dispose(outputs);
			}
		},
		dispose() {
			// The model belongs to Human and is released with it.
		}
	};
}

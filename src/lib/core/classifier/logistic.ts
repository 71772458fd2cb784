import * as tf from '@tensorflow/tfjs-core';

export interface LogisticOptions {
	epochs?: number;
	/** Gradient step size; default 1 / L (L: the loss's curvature bound, estimated from the data). */
	learningRate?: number;
	/** L2 strength on the weights (not the bias); default 1 / n, i.e. sklearn's C = 1. */
	l2?: number;
	/** Recorded for provenance only: zero init + full-batch steps are deterministic without randomness. */
	seed?: number;
	/** Sample weights n / (2 * n_class), like sklearn's class_weight='balanced'. Default true. */
	balanced?: boolean;
	/** Called about every 10 epochs and after the last one, and awaited (the browser yields here). */
	onProgress?: (epoch: number, total: number, loss: number) => void | Promise<void>;
}

export interface LogisticModel {
	weights: number[];
	bias: number;
	/** Objective at the end: weighted mean log-loss + l2 / 2 * |w|^2. */
	loss: number;
	/** The step size used (the default one is computed from the data). */
	learningRate: number;
}

export const DEFAULT_EPOCHS = 200;
const PROGRESS_EVERY = 10;

/**
 * Binary logistic regression on the active tfjs backend: full-batch Nesterov-accelerated gradient
 * descent with adaptive restart (O'Donoghue & Candes 2015) on
 *   sum_i s_i * logloss_i / n + l2 / 2 * |w|^2,
 * the objective sklearn's LogisticRegression minimises (divided by C * n). On nearly separable
 * embeddings it gets much closer to the optimum in 200 epochs than Adam does (measured), and needs
 * no tuning: the step is 1 / L from a power-iteration estimate of the curvature.
 * Every tensor it creates is disposed before it returns or throws.
 */
export async function trainLogistic(
	x: Float32Array[],
	y: number[],
	opts: LogisticOptions = {}
): Promise<LogisticModel> {
	const n = x.length;
	if (n === 0 || y.length !== n)
		throw new RangeError(`need matching non-empty x and y, got ${n} and ${y.length}`);
	const dim = x[0].length;
	const epochs = opts.epochs ?? DEFAULT_EPOCHS;
	const l2 = opts.l2 ?? 1 / n;
	const data = packRows(x, dim);
	const sampleWeights = balancedWeights(y, opts.balanced ?? true);
	// A trailing column of ones turns the bias into one more parameter (masked out of the L2 term).
	const [xa, yt, sw, l2Mask] = tf.tidy(() => [
		tf.concat([tf.tensor2d(data, [n, dim]), tf.ones([n, 1])], 1),
		tf.tensor2d(Float32Array.from(y), [n, 1]),
		tf.tensor2d(sampleWeights, [n, 1]),
		tf.concat([tf.fill([dim, 1], l2), tf.zeros([1, 1])])
	]);
	// theta: current iterate; look: the extrapolated point where the gradient is taken.
	const state = { theta: tf.zeros([dim + 1, 1]), look: tf.zeros([dim + 1, 1]) };
	try {
		const step = opts.learningRate ?? 1 / (await curvatureBound(xa, sw, l2));
		let momentum = 1;
		let loss = NaN;
		for (let epoch = 1; epoch <= epochs; epoch++) {
			const { theta, look } = state;
			const [next, ascent] = tf.tidy(() => {
				const residual = tf.mul(sw, tf.sub(tf.sigmoid(tf.matMul(xa, look)), yt));
				const grad = tf.add(tf.div(tf.matMul(xa, residual, true, false), n), tf.mul(l2Mask, look));
				const moved = tf.sub(look, tf.mul(grad, step));
				return [moved, tf.sum(tf.mul(grad, tf.sub(moved, theta)))];
			});
			// Restart the momentum when it points uphill: keeps the acceleration without oscillation.
			const restart = (await ascent.data())[0] > 0;
			ascent.dispose();
			const nextMomentum = restart ? 1 : (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
			const beta = restart ? 0 : (momentum - 1) / nextMomentum;
			momentum = nextMomentum;
			const nextLook = tf.tidy(() => tf.add(next, tf.mul(tf.sub(next, theta), beta)));
			tf.dispose([theta, look]);
			Object.assign(state, { theta: next, look: nextLook });
			if (opts.onProgress && (epoch % PROGRESS_EVERY === 0 || epoch === epochs)) {
				loss = await objective(xa, yt, sw, l2Mask, state.theta);
				await opts.onProgress(epoch, epochs, loss);
			}
		}
		if (!opts.onProgress || epochs === 0) loss = await objective(xa, yt, sw, l2Mask, state.theta);
		const params = Array.from(await state.theta.data());
		return { weights: params.slice(0, dim), bias: params[dim], loss, learningRate: step };
	} finally {
		tf.dispose([xa, yt, sw, l2Mask, state.theta, state.look]);
	}
}

/**
 * Upper estimate of the objective's curvature: the log-loss Hessian is at most
 * X^T S X / (4 n) + l2. Its largest eigenvalue comes from power iteration, which approaches it
 * from below, hence the 10 % margin.
 */
async function curvatureBound(xa: tf.Tensor, sw: tf.Tensor, l2: number): Promise<number> {
	const [n, p] = xa.shape;
	let v: tf.Tensor = tf.fill([p, 1], 1 / Math.sqrt(p));
	let eigen = 0;
	for (let i = 0; i < 30; i++) {
		const [w, norm] = tf.tidy(() => {
			const image = tf.div(tf.matMul(xa, tf.mul(sw, tf.matMul(xa, v)), true, false), n);
			const length = tf.norm(image);
			return [tf.div(image, tf.maximum(length, 1e-12)), length];
		});
		eigen = (await norm.data())[0];
		tf.dispose([v, norm]);
		v = w;
	}
	v.dispose();
	return 1.1 * (eigen / 4 + l2);
}

async function objective(xa: tf.Tensor, yt: tf.Tensor, sw: tf.Tensor, l2Mask: tf.Tensor, theta: tf.Tensor) {
	const value = tf.tidy(() => {
		const z = tf.matMul(xa, theta);
		// log(1 + e^z) - y z is the log-loss written stably for logits.
		const perSample = tf.sub(tf.softplus(z), tf.mul(yt, z));
		const penalty = tf.mul(0.5, tf.sum(tf.mul(l2Mask, tf.square(theta))));
		return tf.add(tf.mean(tf.mul(sw, perSample)), penalty);
	});
	const [result] = await value.data();
	value.dispose();
	return result;
}

function packRows(x: Float32Array[], dim: number): Float32Array {
	const out = new Float32Array(x.length * dim);
	x.forEach((row, i) => {
		if (row.length !== dim) throw new RangeError(`row ${i} has ${row.length} features, expected ${dim}`);
		out.set(row, i * dim);
	});
	return out;
}

/** n / (2 * n_c) per sample, so both classes weigh the same in total; 1 each when not balanced. */
export function balancedWeights(y: number[], balanced: boolean): Float32Array {
	const positives = y.filter((label) => label === 1).length;
	const counts = [y.length - positives, positives];
	if (y.some((label) => label !== 0 && label !== 1)) throw new RangeError('labels must be 0 or 1');
	return Float32Array.from(y, (label) => (balanced ? y.length / (2 * counts[label]) : 1));
}

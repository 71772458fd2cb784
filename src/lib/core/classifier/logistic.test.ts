import * as tf from '@tensorflow/tfjs-core';

import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, gaussian } from '../random';
import { balancedWeights, trainLogistic } from './logistic';
import { predictProba, sigmoid } from './predict';
import { applyScaler, fitScaler } from './standardizer';
import { syntheticEmbeddings } from '../../../../tests/fixtures/synthetic-embeddings';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

const rows = (...values: number[][]) => values.map((v) => Float32Array.from(v));

/** Float64 Newton's method on the same objective: the reference optimum for small problems. */
function newtonOptimum(x: Float32Array[], y: number[], l2: number, balanced = true): number[] {
	const n = x.length;
	const p = x[0].length + 1;
	const s = balancedWeights(y, balanced);
	const theta = new Array(p).fill(0);
	const feature = (i: number, j: number) => (j === p - 1 ? 1 : x[i][j]);
	for (let iteration = 0; iteration < 50; iteration++) {
		const grad = theta.map((t, j) => (j < p - 1 ? l2 * t : 0));
		const hess = theta.map((_, a) => theta.map((__, b) => (a === b && a < p - 1 ? l2 : 0)));
		for (let i = 0; i < n; i++) {
			const prob = sigmoid(theta.reduce((z, t, j) => z + t * feature(i, j), 0));
			for (let a = 0; a < p; a++) {
				grad[a] += (s[i] * (prob - y[i]) * feature(i, a)) / n;
				for (let b = 0; b < p; b++)
					hess[a][b] += (s[i] * prob * (1 - prob) * feature(i, a) * feature(i, b)) / n;
			}
		}
		// Solve hess * delta = grad by Gauss-Jordan elimination (p is tiny here).
		const m = hess.map((row, a) => [...row, grad[a]]);
		for (let c = 0; c < p; c++) {
			for (let r = 0; r < p; r++) {
				if (r === c) continue;
				const f = m[r][c] / m[c][c];
				for (let k = c; k <= p; k++) m[r][k] -= f * m[c][k];
			}
		}
		for (let a = 0; a < p; a++) theta[a] -= m[a][p] / m[a][a];
	}
	return theta;
}

describe('trainLogistic', () => {
	it('takes the hand-derived first gradient step, balanced and not', async () => {
		// x = (2, 0, 0), y = (1, 0, 0). Balanced weights: 3 / (2 * 1) = 1.5 and 3 / (2 * 2) = 0.75.
		// At theta = 0 every p = 0.5, residuals s (p - y) = (-0.75, 0.375, 0.375):
		// dL/dw = (-0.75 * 2) / 3 = -0.5, dL/db = 0 / 3 = 0 -> one step of 0.3 gives w = 0.15, b = 0.
		const x = rows([2], [0], [0]);
		const balanced = await trainLogistic(x, [1, 0, 0], { epochs: 1, learningRate: 0.3 });
		expect(balanced.weights[0]).toBeCloseTo(0.15, 6);
		expect(balanced.bias).toBeCloseTo(0, 6);
		// Unweighted residuals (-0.5, 0.5, 0.5): dL/dw = -1 / 3, dL/db = 1 / 6 -> w = 0.1, b = -0.05.
		const plain = await trainLogistic(x, [1, 0, 0], { epochs: 1, learningRate: 0.3, balanced: false });
		expect(plain.weights[0]).toBeCloseTo(0.1, 6);
		expect(plain.bias).toBeCloseTo(-0.05, 6);
	});

	it('reaches the hand-derived optimum of a 1-D case', async () => {
		// x = (-1, 1), y = (0, 1), l2 = 1 / n = 0.5. By symmetry b = 0, and dL/dw = -sigma(-w) + 0.5 w = 0,
		// whose root (bisection by hand) is w = 0.674832...
		const model = await trainLogistic(rows([-1], [1]), [0, 1]);
		expect(model.bias).toBeCloseTo(0, 4);
		expect(0.5 * model.weights[0] - sigmoid(-model.weights[0])).toBeCloseTo(0, 4);
		expect(model.weights[0]).toBeCloseTo(0.674832, 3);
		// Loss at the optimum: log(1 + e^-w) + 0.25 w^2.
		const w = model.weights[0];
		expect(model.loss).toBeCloseTo(Math.log1p(Math.exp(-w)) + 0.25 * w * w, 5);
	});

	it("matches Newton's method on an overlapping 3-D problem", async () => {
		const { embeddings, labels } = syntheticEmbeddings(120, 3, {
			separation: 1.5,
			positiveFraction: 0.3,
			seed: 9
		});
		const scaler = fitScaler(embeddings);
		const x = embeddings.map((e) => applyScaler(scaler, e));
		const reference = newtonOptimum(x, labels, 1 / x.length);
		const model = await trainLogistic(x, labels);
		[...model.weights, model.bias].forEach((value, j) => expect(value).toBeCloseTo(reference[j], 3));
	});

	it('separates a linearly separable set', async () => {
		const { embeddings, labels } = syntheticEmbeddings(200, 16, { separation: 8, seed: 4 });
		const scaler = fitScaler(embeddings);
		const model = await trainLogistic(
			embeddings.map((e) => applyScaler(scaler, e)),
			labels
		);
		const predicted = embeddings.map((e) => (predictProba({ scaler, ...model }, e) >= 0.5 ? 1 : 0));
		expect(predicted).toEqual(labels);
	});

	it("shifts the boundary in the minority class's favour when balanced", async () => {
		// 10 positives around +1, 90 negatives around -1, overlapping: unweighted, the boundary sits
		// inside the positives and misses many of them; balanced, it moves toward the negatives.
		const rng = createRng(2);
		const labels = Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : 0));
		const x = labels.map((label) => Float32Array.of(gaussian(rng) + (label ? 1 : -1)));
		const boundary = (m: { weights: number[]; bias: number }) => -m.bias / m.weights[0];
		const plain = await trainLogistic(x, labels, { balanced: false });
		const balanced = await trainLogistic(x, labels);
		expect(boundary(balanced)).toBeLessThan(boundary(plain) - 0.3);
		const recall = (m: { weights: number[]; bias: number }) =>
			x.filter((v, i) => labels[i] === 1 && v[0] >= boundary(m)).length / 10;
		expect(recall(balanced)).toBeGreaterThan(recall(plain));
	});

	it('gives identical weights for identical input', async () => {
		const { embeddings, labels } = syntheticEmbeddings(80, 8, { seed: 3 });
		const a = await trainLogistic(embeddings, labels, { epochs: 50 });
		const b = await trainLogistic(embeddings, labels, { epochs: 50 });
		expect(b).toEqual(a);
	});

	it('reports progress every 10 epochs and at the end, awaiting each call', async () => {
		const { embeddings, labels } = syntheticEmbeddings(40, 4, { seed: 5 });
		const calls: string[] = [];
		await trainLogistic(embeddings, labels, {
			epochs: 25,
			onProgress: async (epoch, total, loss) => {
				calls.push(`start ${epoch}/${total}`);
				expect(Number.isFinite(loss)).toBe(true);
				await new Promise((resolve) => setTimeout(resolve, 1));
				calls.push(`end ${epoch}`);
			}
		});
		expect(calls).toEqual(['start 10/25', 'end 10', 'start 20/25', 'end 20', 'start 25/25', 'end 25']);
	});

	it('leaves no tensor behind, also when the progress callback throws', async () => {
		const { embeddings, labels } = syntheticEmbeddings(50, 6, { seed: 6 });
		const before = tf.memory().numTensors;
		await trainLogistic(embeddings, labels, { epochs: 30, onProgress: () => undefined });
		await trainLogistic(embeddings, labels, { epochs: 30 });
		expect(tf.memory().numTensors).toBe(before);
		const failing = trainLogistic(embeddings, labels, {
			onProgress: () => {
				throw new Error('page closed');
			}
		});
		await expect(failing).rejects.toThrow('page closed');
		expect(tf.memory().numTensors).toBe(before);
	});

	it('rejects bad input', async () => {
		await expect(trainLogistic([], [])).rejects.toThrow(RangeError);
		await expect(trainLogistic(rows([1], [2]), [0])).rejects.toThrow(RangeError);
		await expect(trainLogistic(rows([1], [2]), [0, 2])).rejects.toThrow('labels must be 0 or 1');
	});
});

describe('predictProba', () => {
	it('standardizes, then applies the sigmoid of w.x + b', () => {
		const model = { scaler: { mean: [1, 2], scale: [2, 4] }, weights: [0.5, -1], bias: 0.25 };
		// z = 0.5 * (3 - 1) / 2 - 1 * (6 - 2) / 4 + 0.25 = -0.25
		expect(predictProba(model, [3, 6])).toBeCloseTo(1 / (1 + Math.exp(0.25)), 12);
		expect(() => predictProba(model, [1])).toThrow(RangeError);
	});

	it('stays finite and in [0, 1] for huge logits', () => {
		expect(sigmoid(-1000)).toBe(0);
		expect(sigmoid(1000)).toBe(1);
		expect(sigmoid(0)).toBe(0.5);
	});
});

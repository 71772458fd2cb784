import { describe, expect, it } from 'vitest';
import { calibrationFor } from '../calibration/operating-points';
import { embedderMeta } from '../embedders';
import { createRng, gaussian } from '../random';
import { parseModelFile, serializeModelFile } from './model-file';
import { scoreEmbedding } from './score';
import { trainTemplate } from './template';

const meta = embedderMeta('dlib-resnet128');
const embedder = { id: meta.id, version: meta.version, size: meta.size };
const calibration = calibrationFor(meta.id, meta.version)!;

/** Unit vectors scattered around one random direction: a synthetic person. */
function person(seed: number, n: number, noise = 0.25): Float32Array[] {
	const rng = createRng(seed);
	const centre = Float32Array.from({ length: 128 }, () => gaussian(rng));
	return Array.from({ length: n }, () => {
		const v = centre.map((c) => c + noise * gaussian(rng));
		const norm = Math.hypot(...v);
		return v.map((x) => x / norm);
	});
}

describe('template mode', () => {
	it('trains from "me" alone, with the calibrated threshold for the target FAR and leave-one-out costs', () => {
		const me = person(1, 10);
		const { model, leaveOneOut, presets } = trainTemplate(me, embedder, { calibration, targetFar: 1e-3 });
		expect(model.mode).toBe('template');
		expect(model.threshold).toMatchObject({ method: 'target_far', target_far: 1e-3 });
		expect(model.threshold.value).toBeCloseTo(
			calibration.verification.find((p) => p.far === 1e-3)!.threshold,
			6
		);
		expect(model.threshold.far_estimate).toBeCloseTo(1e-3, 9);
		expect(leaveOneOut).toHaveLength(10);
		expect(presets.map((p) => p.far)).toEqual([1e-2, 1e-3, 1e-4]);
		// Stricter presets never refuse fewer of the user's own photos.
		for (let i = 1; i < presets.length; i++)
			expect(presets[i].rejected).toBeGreaterThanOrEqual(presets[i - 1].rejected);
		// The file round-trips and scores by cosine: the user's photos high, another person's low.
		const parsed = parseModelFile(serializeModelFile(model), {
			embedder: embedder.id,
			embedderVersion: embedder.version
		});
		expect(scoreEmbedding(parsed, me[0])).toBeGreaterThan(scoreEmbedding(parsed, person(2, 1)[0]));
	});

	it('needs two photos, a calibrated embedder, and warns under five photos', () => {
		expect(() => trainTemplate(person(3, 1), embedder, { calibration })).toThrow(/at least 2/);
		expect(() => trainTemplate(person(3, 4), { ...embedder, version: 'other' }, { calibration })).toThrow(
			/no calibration/
		);
		const { model } = trainTemplate(person(3, 3), embedder, { calibration });
		expect((model.metrics.notes as string[])[0]).toMatch(/at least 5/);
	});
});

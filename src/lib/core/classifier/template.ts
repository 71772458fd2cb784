import {
	DEFAULT_TARGET_FAR,
	VERIFICATION_PRESETS,
	farAtThreshold,
	thresholdForFar,
	type EmbedderCalibration
} from '../calibration/operating-points';
import { CoreError } from '../errors';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type TemplateModelFile } from './model-file';
import { cosine, meanDirection } from '../gallery/vector';

/** Fewer photos than this train a template, but the calibrated FAR assumes at least this many. */
export const RECOMMENDED_TEMPLATE_PHOTOS = 5;

export interface TemplateTrainOptions {
	calibration: EmbedderCalibration;
	/** False-accept rate the threshold is set for (default 1e-3). */
	targetFar?: number;
	modelVersion?: string;
	backend?: string;
	createdAt?: Date;
}

/** What a preset threshold costs this user: the share of their own held-out photos it would refuse. */
export interface PresetCost {
	far: number;
	threshold: number;
	/** Leave-one-out false rejections among the enrolment photos. */
	frr: number;
	rejected: number;
}

export interface TemplateTrainResult {
	model: TemplateModelFile;
	/** Each enrolment photo scored against the template of all the others. */
	leaveOneOut: number[];
	presets: PresetCost[];
}

/** The template: unit mean of the enrolment embeddings, leaving out one of them when asked. */
function unitMean(vectors: readonly ArrayLike<number>[], skip = -1): number[] {
	return Array.from(meanDirection(vectors.filter((_, k) => k !== skip)));
}

/** Leave-one-out FRR of every preset, and of any extra threshold asked for. */
export function presetCosts(
	leaveOneOut: readonly number[],
	calibration: EmbedderCalibration,
	fars: readonly number[] = VERIFICATION_PRESETS
): PresetCost[] {
	return fars.map((far) => {
		const threshold = thresholdForFar(calibration, far);
		const rejected = leaveOneOut.filter((s) => s < threshold).length;
		return { far, threshold, rejected, frr: leaveOneOut.length ? rejected / leaveOneOut.length : 0 };
	});
}

/**
 * A verifier from "me" photos alone: the template is the unit mean of their embeddings and the threshold
 * comes from the embedder's calibrated impostor distribution, so no photo of anybody else is needed.
 */
export function trainTemplate(
	embeddings: readonly Float32Array[],
	embedder: { id: string; version: string; size: number },
	options: TemplateTrainOptions
): TemplateTrainResult {
	const { calibration } = options;
	if (calibration.embedder !== embedder.id || calibration.embedderVersion !== embedder.version) {
		throw new CoreError(
			'MODEL_INCOMPATIBLE',
			`no calibration for embedder ${embedder.id} ${embedder.version}: add "not me" photos to train a logistic model`
		);
	}
	if (embeddings.length < 2) {
		throw new CoreError(
			'NOT_ENOUGH_DATA',
			`a template needs at least 2 "me" faces, got ${embeddings.length}`,
			{
				me: embeddings.length,
				not_me: 0
			}
		);
	}
	embeddings.forEach((e, i) => {
		if (e.length !== embedder.size || !e.every(Number.isFinite))
			throw new RangeError(`embedding ${i} is not a finite ${embedder.size}-D vector`);
	});
	const targetFar = options.targetFar ?? DEFAULT_TARGET_FAR;
	const template = unitMean(embeddings);
	const leaveOneOut = embeddings.map((e, k) => cosine(unitMean(embeddings, k), e));
	const threshold = thresholdForFar(calibration, targetFar);
	const presets = presetCosts(leaveOneOut, calibration, [...new Set([...VERIFICATION_PRESETS, targetFar])]);
	const chosen = presets.find((p) => p.far === targetFar) as PresetCost;
	const notes =
		embeddings.length < RECOMMENDED_TEMPLATE_PHOTOS
			? [`${embeddings.length} photos: the calibrated FAR assumes at least ${RECOMMENDED_TEMPLATE_PHOTOS}`]
			: [];
	const createdAt = (options.createdAt ?? new Date()).toISOString();
	const model: TemplateModelFile = {
		format: MODEL_FORMAT,
		format_version: MODEL_FORMAT_VERSION,
		model_version: options.modelVersion ?? `me-verifier-${createdAt.replace(/[-:]/g, '').slice(0, 15)}`,
		mode: 'template',
		embedder: { id: embedder.id, version: embedder.version, size: embedder.size },
		template,
		threshold: {
			value: round6(threshold),
			method: 'target_far',
			target_far: targetFar,
			far_estimate: farAtThreshold(calibration, threshold)
		},
		metrics: {
			mode: 'template',
			evaluated_on: 'leave-one-out',
			samples: { me: embeddings.length, not_me: 0 },
			threshold: round6(threshold),
			threshold_method: 'target_far',
			frr: chosen.frr,
			far_estimate: farAtThreshold(calibration, threshold),
			presets: presets.map((p) => ({ ...p, threshold: round6(p.threshold) })),
			leave_one_out_min: Math.min(...leaveOneOut),
			notes
		},
		training: {
			samples: { me: embeddings.length, not_me: 0 },
			seed: 0,
			epochs: 0,
			learning_rate: 0,
			l2: 0,
			backend: options.backend ?? 'none',
			split: { test_fraction: 0, train: embeddings.length, validation: 0 }
		},
		created_at: createdAt
	};
	return { model, leaveOneOut, presets };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

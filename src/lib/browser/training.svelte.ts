import { calibrationFor } from '../core/calibration/operating-points';
import type { ModelFile } from '../core/classifier/model-file';
import { trainTemplate, type TemplateTrainResult } from '../core/classifier/template';
import { trainVerifier, type TrainResult } from '../core/classifier/train';
import {
	binaryMetrics,
	chooseThreshold,
	rocAuc,
	type BinaryMetrics,
	type ThresholdMethod
} from '../core/metrics';
import type { EngineInfo } from '../core/types';
import { embedderKey, listSamples, saveModel } from './store';

/** One training run on the page: data from IndexedDB, tfjs on the active backend, live threshold choice. */

export interface Preset {
	id: 'best_f1' | 'far_1e2' | 'far_1e3' | 'default';
	method: ThresholdMethod;
	value: number;
	targetFar?: number;
}

/** What a training run records: the embedder's identity (known without loading it) and the tfjs backend. */
export type TrainingInfo = Pick<EngineInfo, 'embedder' | 'embedderVersion' | 'embeddingSize' | 'backend'>;

/** Gives the browser a turn to paint and handle input between training steps. */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class TrainingSession {
	status = $state<'idle' | 'training' | 'done' | 'error'>('idle');
	progress = $state(0);
	error = $state<string | null>(null);
	result = $state.raw<TrainResult | null>(null);
	trainMs = $state(0);
	threshold = $state(0.5);
	method = $state<ThresholdMethod>('best_f1');
	targetFar = $state<number | undefined>(undefined);
	savedId = $state<number | null>(null);
	/** Template mode (no "not me" photos): the calibrated presets and what each costs on the user's photos. */
	template = $state.raw<TemplateTrainResult | null>(null);
	templateFar = $state(1e-3);

	scores = $derived(this.result?.validation.scores ?? []);
	labels = $derived(this.result?.validation.labels ?? []);
	/** Metrics on the validation part at the slider's threshold: what the user will get. */
	live = $derived<BinaryMetrics | null>(
		this.result ? binaryMetrics(this.scores, this.labels, this.threshold) : null
	);
	auc = $derived(this.result ? rocAuc(this.scores, this.labels) : null);
	presets = $derived<Preset[]>(this.result ? this.#presets() : []);

	async train(info: TrainingInfo, seed = 42): Promise<void> {
		this.status = 'training';
		this.progress = 0;
		this.error = null;
		this.savedId = null;
		this.template = null;
		this.result = null;
		try {
			const key = embedderKey(info);
			const samples = (await listSamples()).filter((s) => s.embedder === key);
			const started = performance.now();
			if (!samples.some((s) => s.label === 'not_me')) {
				this.#trainTemplate(
					info,
					samples.map((s) => s.embedding)
				);
				this.trainMs = performance.now() - started;
				this.status = 'done';
				return;
			}
			const result = await trainVerifier(
				samples.map((s) => s.embedding),
				samples.map((s) => (s.label === 'me' ? 1 : 0)),
				{ id: info.embedder, version: info.embedderVersion, size: info.embeddingSize },
				{
					seed,
					backend: info.backend,
					onProgress: async (epoch, total) => {
						this.progress = epoch / total;
						await yieldToPage();
					}
				}
			);
			this.trainMs = performance.now() - started;
			this.result = result;
			this.threshold = result.model.threshold.value;
			this.method = result.model.threshold.method;
			this.targetFar = result.model.threshold.target_far;
			this.status = 'done';
		} catch (error) {
			this.status = 'error';
			this.error = error instanceof Error ? error.message : String(error);
		}
	}

	setThreshold(value: number, method: ThresholdMethod = 'manual', targetFar?: number): void {
		this.threshold = value;
		this.method = method;
		this.targetFar = targetFar;
	}

	#trainTemplate(info: TrainingInfo, embeddings: Float32Array[]): void {
		const calibration = calibrationFor(info.embedder, info.embedderVersion);
		if (!calibration) throw new Error(`no calibration for ${info.embedder}: add "not me" photos`);
		this.template = trainTemplate(
			embeddings,
			{ id: info.embedder, version: info.embedderVersion, size: info.embeddingSize },
			{ calibration, backend: info.backend }
		);
		this.templateFar = this.template.model.threshold.target_far ?? 1e-3;
	}

	/** The template model with the preset the user picked: its FAR target, threshold and leave-one-out FRR. */
	#finalTemplate(t: TemplateTrainResult): ModelFile {
		const preset = t.presets.find((p) => p.far === this.templateFar) ?? t.presets[0];
		const value = preset.threshold; // already the calibrated threshold for this FAR
		return {
			...t.model,
			threshold: { value, method: 'target_far', target_far: preset.far, far_estimate: preset.far },
			metrics: { ...t.model.metrics, threshold: value, frr: preset.frr, far_estimate: preset.far }
		};
	}

	/** The model file with the chosen threshold, its metrics recomputed there. */
	finalModel(): ModelFile | null {
		if (this.template) return this.#finalTemplate(this.template);
		const result = this.result;
		if (!result || !this.live) return null;
		const m = this.live;
		const chosen =
			result.model.threshold.value === this.threshold && result.model.threshold.method === this.method;
		return {
			...result.model,
			threshold: {
				value: this.threshold,
				method: this.method,
				...(this.targetFar !== undefined ? { target_far: this.targetFar } : {})
			},
			metrics: chosen
				? result.model.metrics
				: {
						...result.model.metrics,
						threshold: this.threshold,
						threshold_method: this.method,
						accuracy: m.accuracy,
						precision: m.precision,
						recall: m.recall,
						f1: m.f1,
						specificity: m.specificity,
						far: m.far,
						frr: m.frr,
						confusion: m.confusion
					}
		};
	}

	async save(): Promise<number | null> {
		const model = this.finalModel();
		if (model && this.template) {
			const scores = this.template.leaveOneOut;
			this.savedId = await saveModel(model, { validation: { scores, labels: scores.map(() => 1) } });
			return this.savedId;
		}
		if (!model || !this.result) return null;
		const { scores, labels } = this.result.validation;
		this.savedId = await saveModel(model, { validation: { scores, labels } });
		return this.savedId;
	}

	#presets(): Preset[] {
		const s = this.scores;
		const l = this.labels;
		const out: Preset[] = [{ id: 'default', method: 'manual', value: 0.5 }];
		const hasBoth = l.includes(1) && l.includes(0);
		if (!hasBoth) return out;
		const f1 = chooseThreshold(s, l, 'best_f1');
		out.unshift({ id: 'best_f1', method: 'best_f1', value: f1.value });
		for (const [id, far] of [
			['far_1e2', 1e-2],
			['far_1e3', 1e-3]
		] as const) {
			const c = chooseThreshold(s, l, 'target_far', { targetFar: far });
			// Past the top score means "accept nobody"; keep it inside the slider's range.
			out.push({ id, method: 'target_far', value: Math.min(1, c.value), targetFar: far });
		}
		return out;
	}
}

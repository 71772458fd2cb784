import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseModelFile, type ModelFile } from '../core/classifier/model-file';
import { CoreError, isCoreError } from '../core/errors';
import type { EngineInfo } from '../core/types';

/** How answers name a file: relative to the working directory, never an absolute path of the host. */
export function displayPath(file: string): string {
	const relative = path.relative(process.cwd(), file);
	return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
		? relative
		: path.basename(file);
}

/** A decision threshold outside [0, 1] would accept everyone (or no one): the file is refused as invalid. */
export function checkThreshold<T extends { threshold: { value: number } }>(model: T, name: string): T {
	const threshold = model.threshold.value;
	if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
		throw new CoreError('MODEL_INVALID', `${name}: threshold ${threshold} is outside [0, 1].`);
	}
	return model;
}

/**
 * The classifier file on disk, parsed once and re-read only when its mtime changes, so that dropping a
 * newly trained model into models/ takes effect without a restart.
 */
export class ModelStore {
	private model: ModelFile | null = null;
	private loadedMtimeMs = -1;
	private lastError: CoreError | null = null;
	// Concurrent requests wait for the same read instead of seeing a half-loaded store.
	private loading: { mtimeMs: number; done: Promise<void> } | null = null;

	constructor(
		readonly path: string,
		private readonly engineInfo: () => EngineInfo | null
	) {}

	/** The current model, or the reason there is none (never throws for a missing/bad file). */
	async refresh(): Promise<{ model: ModelFile | null; error: CoreError | null }> {
		let mtimeMs: number;
		try {
			mtimeMs = (await stat(this.path)).mtimeMs;
		} catch {
			this.model = null;
			this.loadedMtimeMs = -1;
			this.lastError = new CoreError(
				'MODEL_MISSING',
				`No trained model at ${displayPath(this.path)}. Train one: npm run crop, npm run embed, npm run train (see README).`
			);
			return { model: null, error: this.lastError };
		}
		if (mtimeMs !== this.loadedMtimeMs) {
			let loading = this.loading;
			if (loading?.mtimeMs !== mtimeMs) {
				const done = this.load(mtimeMs).finally(() => {
					if (this.loading?.done === done) this.loading = null;
				});
				loading = this.loading = { mtimeMs, done };
			}
			await loading.done;
		}
		return { model: this.model, error: this.lastError };
	}

	async require(): Promise<ModelFile> {
		const { model, error } = await this.refresh();
		if (!model) throw error ?? new CoreError('MODEL_MISSING', 'No model loaded.');
		return model;
	}

	private async load(mtimeMs: number): Promise<void> {
		try {
			const info = this.engineInfo();
			const text = await readFile(this.path, 'utf8');
			let json: unknown;
			try {
				json = JSON.parse(text);
			} catch {
				throw new CoreError('MODEL_INVALID', `${displayPath(this.path)} is not valid JSON.`);
			}
			const expected = info ? { embedder: info.embedder, embedderVersion: info.embedderVersion } : undefined;
			const model = parseModelFile(json, expected);
			const threshold = model.threshold.value;
			if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
				throw new CoreError(
					'MODEL_INVALID',
					`${displayPath(this.path)}: threshold ${threshold} is outside [0, 1].`
				);
			}
			this.model = model;
			this.lastError = null;
			this.loadedMtimeMs = mtimeMs;
		} catch (error) {
			this.model = null;
			this.loadedMtimeMs = mtimeMs;
			this.lastError = isCoreError(error)
				? error
				: new CoreError('MODEL_INVALID', `Could not read the model at ${displayPath(this.path)}.`);
		}
	}
}

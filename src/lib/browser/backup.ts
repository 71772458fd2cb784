import { parseModelFile } from '../core/classifier/model-file';
import type { Box } from '../core/types';
import {
	addSample,
	listModels,
	listSamples,
	saveModel,
	activeModelId,
	setActiveModel,
	type Label
} from './store';

/**
 * A full backup is one JSON file: embeddings as plain number arrays (exact: float32 values survive a
 * round trip through JSON numbers), thumbnails as data URLs, models as their model files.
 */

export const BACKUP_FORMAT = 'me-verifier/backup';
export const BACKUP_VERSION = 1;

interface BackupSample {
	label: Label;
	embedding: number[];
	embedder: string;
	source: string;
	box: Box;
	quality: { faceSize: number; sharpness: number; yaw: number };
	addedAt: number;
	thumbnail?: string;
}

interface BackupModel {
	savedAt: number;
	origin: 'trained' | 'imported';
	active: boolean;
	file: unknown;
	validation?: { scores: number[]; labels: number[] };
}

export interface Backup {
	format: typeof BACKUP_FORMAT;
	version: typeof BACKUP_VERSION;
	exported_at: string;
	samples: BackupSample[];
	models: BackupModel[];
}

async function blobToDataUrl(blob: Blob): Promise<string> {
	return new Promise((resolve, reject) => {
		const reader = new FileReader();
		reader.onload = () => resolve(String(reader.result));
		reader.onerror = () => reject(reader.error);
		reader.readAsDataURL(blob);
	});
}

export async function exportBackup(): Promise<Backup> {
	const active = await activeModelId();
	const samples = await Promise.all(
		(await listSamples()).map(async (s) => ({
			label: s.label,
			embedding: Array.from(s.embedding),
			embedder: s.embedder,
			source: s.source,
			box: s.box,
			quality: s.quality,
			addedAt: s.addedAt,
			...(s.thumbnail ? { thumbnail: await blobToDataUrl(s.thumbnail) } : {})
		}))
	);
	const models = (await listModels()).map((m) => ({
		savedAt: m.savedAt,
		origin: m.origin,
		active: m.id === active,
		file: m.file,
		...(m.validation ? { validation: m.validation } : {})
	}));
	return {
		format: BACKUP_FORMAT,
		version: BACKUP_VERSION,
		exported_at: new Date().toISOString(),
		samples,
		models
	};
}

export class BackupError extends Error {}

/** Adds a backup's samples and models to what is stored (nothing is overwritten). */
export async function importBackup(json: unknown): Promise<{ samples: number; models: number }> {
	const backup = json as Partial<Backup>;
	if (backup?.format !== BACKUP_FORMAT) throw new BackupError('not a me-verifier backup file');
	if (backup.version !== BACKUP_VERSION)
		throw new BackupError(`backup version ${backup.version} is not supported`);
	if (!Array.isArray(backup.samples) || !Array.isArray(backup.models))
		throw new BackupError('backup is incomplete');
	// Validate everything before writing anything.
	const models = backup.models.map((m) => ({ ...m, file: parseModelFile(m.file) }));
	for (const s of backup.samples) {
		if (
			(s.label !== 'me' && s.label !== 'not_me') ||
			!Array.isArray(s.embedding) ||
			!s.embedding.every(Number.isFinite)
		) {
			throw new BackupError('backup holds a malformed sample');
		}
	}
	for (const s of backup.samples) {
		const thumbnail = s.thumbnail ? await (await fetch(s.thumbnail)).blob() : undefined;
		await addSample({
			label: s.label,
			embedding: Float32Array.from(s.embedding),
			embedder: s.embedder,
			source: s.source,
			box: s.box,
			quality: s.quality,
			addedAt: s.addedAt,
			...(thumbnail ? { thumbnail } : {})
		});
	}
	// Oldest first, so the newest stays the default; the backup's active model becomes active.
	let activeId: number | null = null;
	for (const m of [...models].sort((a, b) => a.savedAt - b.savedAt)) {
		const id = await saveModel(m.file, { origin: m.origin, validation: m.validation, savedAt: m.savedAt });
		if (m.active) activeId = id;
	}
	if (activeId !== null) await setActiveModel(activeId);
	return { samples: backup.samples.length, models: models.length };
}

/** Starts a download of `text` as a file; nothing leaves the device except to the user's own disk. */
export function download(name: string, text: string, type = 'application/json'): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

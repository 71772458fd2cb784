import { parseModelFile } from '../core/classifier/model-file';
import type { Box } from '../core/types';
import {
	activeModelId,
	importRecords,
	listModels,
	listSamples,
	type ImportedModel,
	type Label,
	type SampleRecord
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

export type BackupErrorCode = 'INVALID' | 'PASSPHRASE_REQUIRED' | 'WRONG_PASSPHRASE';

export class BackupError extends Error {
	readonly code: BackupErrorCode;

	constructor(message: string, code: BackupErrorCode = 'INVALID', options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'BackupError';
		this.code = code;
	}
}

const MAX_EMBEDDING = 4096;
const MAX_THUMBNAIL_CHARS = 2 * 1024 * 1024;
// Only inline images: a thumbnail must never make the page fetch anything (an outside URL would leak that
// the backup was opened, and from where).
const THUMBNAIL = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/;

function finite(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

function text(value: unknown, max: number): value is string {
	return typeof value === 'string' && value.length <= max;
}

function thumbnailBlob(dataUrl: string): Blob {
	const match = THUMBNAIL.exec(dataUrl);
	if (!match || dataUrl.length > MAX_THUMBNAIL_CHARS) {
		throw new BackupError('backup holds a thumbnail that is not an inline PNG/JPEG/WebP image');
	}
	const bytes = Uint8Array.from(atob(match[2]), (c) => c.charCodeAt(0));
	return new Blob([bytes], { type: `image/${match[1]}` });
}

function checkSample(s: BackupSample): Omit<SampleRecord, 'id'> {
	const q = s?.quality;
	const ok =
		(s.label === 'me' || s.label === 'not_me') &&
		Array.isArray(s.embedding) &&
		s.embedding.length > 0 &&
		s.embedding.length <= MAX_EMBEDDING &&
		s.embedding.every(finite) &&
		text(s.embedder, 200) &&
		text(s.source, 255) &&
		Array.isArray(s.box) &&
		s.box.length === 4 &&
		s.box.every(finite) &&
		!!q &&
		finite(q.faceSize) &&
		finite(q.sharpness) &&
		finite(q.yaw) &&
		finite(s.addedAt) &&
		(s.thumbnail === undefined || typeof s.thumbnail === 'string');
	if (!ok) throw new BackupError('backup holds a malformed sample');
	return {
		label: s.label,
		embedding: Float32Array.from(s.embedding),
		embedder: s.embedder,
		source: s.source,
		box: [s.box[0], s.box[1], s.box[2], s.box[3]],
		quality: { faceSize: q.faceSize, sharpness: q.sharpness, yaw: q.yaw },
		addedAt: s.addedAt,
		...(s.thumbnail ? { thumbnail: thumbnailBlob(s.thumbnail) } : {})
	};
}

function checkModel(m: BackupModel): ImportedModel {
	const v = m?.validation;
	const ok =
		finite(m.savedAt) &&
		(m.origin === 'trained' || m.origin === 'imported') &&
		typeof m.active === 'boolean' &&
		(v === undefined ||
			(Array.isArray(v.scores) &&
				Array.isArray(v.labels) &&
				v.scores.every(finite) &&
				v.labels.every(finite)));
	if (!ok) throw new BackupError('backup holds a malformed model entry');
	return {
		record: {
			savedAt: m.savedAt,
			origin: m.origin,
			file: parseModelFile(m.file),
			...(v ? { validation: { scores: [...v.scores], labels: [...v.labels] } } : {})
		},
		active: m.active
	};
}

/**
 * Checks a backup against the app's own schema and rebuilds every record from the checked fields (nothing
 * else in the file is kept); throws BackupError at the first problem, before anything is written.
 */
export function validateBackup(json: unknown): {
	samples: Omit<SampleRecord, 'id'>[];
	models: ImportedModel[];
} {
	const backup = json as Partial<Backup>;
	if (backup?.format !== BACKUP_FORMAT) throw new BackupError('not a me-verifier backup file');
	if (backup.version !== BACKUP_VERSION)
		throw new BackupError(`backup version ${backup.version} is not supported`);
	if (!Array.isArray(backup.samples) || !Array.isArray(backup.models))
		throw new BackupError('backup is incomplete');
	return { samples: backup.samples.map(checkSample), models: backup.models.map(checkModel) };
}

/** Adds a backup's samples and models to what is stored (nothing is overwritten): all of it, or nothing. */
export async function importBackup(json: unknown): Promise<{ samples: number; models: number }> {
	const { samples, models } = validateBackup(json);
	await importRecords(samples, models);
	return { samples: samples.length, models: models.length };
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

import { describe, expect, it } from 'vitest';
import { BACKUP_FORMAT, BACKUP_VERSION, BackupError, validateBackup } from './backup';

// A backup file is untrusted input: it may only hold what the app itself writes, and nothing in it may make
// the page fetch anything. (All-or-nothing writing is one IndexedDB transaction: store.importRecords.)

const PNG_1PX =
	'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function sample(extra: Record<string, unknown> = {}) {
	return {
		label: 'me',
		embedding: [0.1, 0.2, 0.3],
		embedder: 'dlib-resnet128@1',
		source: 'me.jpg',
		box: [1, 2, 3, 4],
		quality: { faceSize: 120, sharpness: 40, yaw: 3 },
		addedAt: 1,
		...extra
	};
}

function backup(samples: unknown[]) {
	return { format: BACKUP_FORMAT, version: BACKUP_VERSION, exported_at: '', samples, models: [] };
}

describe('validateBackup', () => {
	it('accepts what the app writes, with an inline thumbnail decoded locally', async () => {
		const { samples } = validateBackup(backup([sample({ thumbnail: PNG_1PX })]));
		expect(samples[0].embedding).toEqual(Float32Array.from([0.1, 0.2, 0.3]));
		expect(samples[0].thumbnail?.type).toBe('image/png');
		expect(new Uint8Array(await samples[0].thumbnail!.arrayBuffer()).slice(1, 4)).toEqual(
			new TextEncoder().encode('PNG')
		);
	});

	it('refuses thumbnails that would make the page fetch something', () => {
		for (const thumbnail of [
			'https://tracker.example/pixel.png',
			'//tracker.example/x.png',
			'blob:https://evil.example/1',
			'data:text/html;base64,PHNjcmlwdD4=',
			'data:image/svg+xml;base64,PHN2Zy8+',
			'javascript:alert(1)'
		]) {
			expect(() => validateBackup(backup([sample(), sample({ thumbnail })]))).toThrow(BackupError);
		}
	});

	it('refuses any malformed sample, so nothing is imported at all', () => {
		for (const bad of [
			{ label: 'admin' },
			{ embedding: [1, Number.NaN] },
			{ embedding: new Array(5000).fill(0) },
			{ source: 'x'.repeat(1000) },
			{ box: [1, 2, 3] },
			{ quality: null },
			{ addedAt: 'yesterday' }
		]) {
			expect(() => validateBackup(backup([sample(), sample(bad)])), JSON.stringify(bad).slice(0, 40)).toThrow(
				BackupError
			);
		}
	});

	it('keeps only the schema’s fields', () => {
		const { samples } = validateBackup(backup([sample({ __proto__: { polluted: true }, extra: 'x' })]));
		expect(Object.keys(samples[0]).sort()).toEqual(
			['addedAt', 'box', 'embedder', 'embedding', 'label', 'quality', 'source'].sort()
		);
	});
});

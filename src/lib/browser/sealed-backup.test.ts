import { describe, expect, it } from 'vitest';
import { BACKUP_FORMAT, BACKUP_VERSION, validateBackup, type Backup } from './backup';
import { isSealedBackup, openSealedBackup, sealBackup } from './sealed-backup';

const backup: Backup = {
	format: BACKUP_FORMAT,
	version: BACKUP_VERSION,
	exported_at: '2026-01-01T00:00:00.000Z',
	samples: [
		{
			label: 'me',
			embedding: [0.123456789, -0.987654321, 0.5],
			embedder: 'dlib-resnet128@1',
			source: 'me.jpg',
			box: [1, 2, 3, 4],
			quality: { faceSize: 120, sharpness: 40, yaw: 3 },
			addedAt: 1
		}
	],
	models: []
};

describe('encrypted backups', () => {
	it('seal with a passphrase (PBKDF2 >= 600,000) and open with it; nothing of the data in clear', async () => {
		const sealed = await sealBackup(backup, 'a good passphrase');
		expect(isSealedBackup(sealed)).toBe(true);
		expect(sealed.kdf.iterations).toBeGreaterThanOrEqual(600_000);
		const text = JSON.stringify(sealed);
		for (const clear of ['0.123456789', 'me.jpg', 'dlib-resnet128']) expect(text).not.toContain(clear);
		const opened = await openSealedBackup(JSON.parse(text), 'a good passphrase');
		expect(opened).toEqual(backup);
		expect(validateBackup(opened).samples[0].embedding).toEqual(
			Float32Array.from([0.123456789, -0.987654321, 0.5])
		);
	});

	it('say which is wrong: no passphrase, a wrong one, an edited header', async () => {
		const sealed = await sealBackup(backup, 'a good passphrase');
		await expect(openSealedBackup(sealed, '')).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
		await expect(openSealedBackup(sealed, 'a bad passphrase')).rejects.toMatchObject({
			code: 'WRONG_PASSPHRASE'
		});
		const lowered = { ...sealed, kdf: { ...sealed.kdf, iterations: 1000 } };
		await expect(openSealedBackup(lowered, 'a good passphrase')).rejects.toMatchObject({ code: 'INVALID' });
		const raised = { ...sealed, kdf: { ...sealed.kdf, iterations: sealed.kdf.iterations + 1 } };
		await expect(openSealedBackup(raised, 'a good passphrase')).rejects.toMatchObject({
			code: 'WRONG_PASSPHRASE'
		});
		await expect(sealBackup(backup, '')).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
	});
});

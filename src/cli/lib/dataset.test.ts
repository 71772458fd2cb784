import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryExists, isImageFile, listDataset } from './dataset';

const dir = await mkdtemp(path.join(tmpdir(), 'dataset-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('listDataset', () => {
	it('finds images in any letter case and in sub-folders, and lists the rest apart', async () => {
		await mkdir(path.join(dir, 'trip'), { recursive: true });
		for (const file of ['b.JPG', 'a.jpeg', 'c.Png', 'd.webp', 'trip/e.jpg', 'notes.txt', 'trip/f.gif']) {
			await writeFile(path.join(dir, file), '');
		}
		expect(await listDataset(dir)).toEqual({
			images: ['a.jpeg', 'b.JPG', 'c.Png', 'd.webp', 'trip/e.jpg'],
			others: ['notes.txt', 'trip/f.gif']
		});
		expect((await listDataset(dir, [path.join(dir, 'trip')])).images).toEqual([
			'a.jpeg',
			'b.JPG',
			'c.Png',
			'd.webp'
		]);
		expect(isImageFile('x.JPEG')).toBe(true);
		expect(isImageFile('x.heic')).toBe(false);
		expect(await directoryExists(dir)).toBe(true);
		expect(await directoryExists(path.join(dir, 'nope'))).toBe(false);
	});
});

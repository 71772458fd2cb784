import { cosine } from '../../src/lib/core/gallery';
import { facePath } from '../helpers/faces';
import { enroll, exportPlainBackup, waitForEngine } from './lib/app';
import { expect, test } from './lib/fixtures';

/** The same photo must give the same embedding whichever backend runs the models. */

const PHOTO = facePath('amy/amy5.png');
const BACKENDS = (process.env.E2E_BACKENDS ?? 'wasm,cpu,webgl,webgpu').split(',');

test(`the same photo gives the same embedding on ${BACKENDS.join(', ')} (cosine >= 0.999)`, async ({
	newProfile
}) => {
	test.setTimeout(600_000);
	/** Enrolls the photo in a fresh profile running `backend` and reads its embedding from a backup. */
	async function embeddingOn(backend: string): Promise<number[]> {
		const page = await newProfile();
		try {
			await page.goto(`/enroll?backend=${backend}`);
			expect(await waitForEngine(page), 'backend in use').toBe(backend);
			const [item] = await enroll(page, [PHOTO], 'me');
			expect(item.status, `${backend}: photo saved`).toBe('saved');
			await page.goto('/data');
			const backup = JSON.parse((await exportPlainBackup(page)).text);
			return backup.samples[0].embedding as number[];
		} finally {
			await page.context().close();
		}
	}
	const [reference, ...others] = BACKENDS;
	const base = await embeddingOn(reference);
	for (const backend of others) {
		const started = performance.now();
		const similarity = cosine(base, await embeddingOn(backend));
		console.log(
			`  ${reference} vs ${backend}: cosine ${similarity.toFixed(7)} (${Math.round(performance.now() - started)} ms)`
		);
		expect(similarity, `${reference} vs ${backend}: cosine`).toBeGreaterThanOrEqual(0.999);
	}
});

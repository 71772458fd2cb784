import { cosine } from '../../src/lib/core/pairs';
import { facePath } from '../helpers/faces';
import { downloadText, enroll, waitForEngine } from './lib/app';
import { newContext } from './lib/browser';
import { state } from './lib/context';
import { assert, assertEqual, test } from './lib/harness';

/** The same photo must give the same embedding whichever backend runs the models. */

const PHOTO = facePath('amy/amy5.png');
const BACKENDS = (process.env.E2E_BACKENDS ?? 'wasm,cpu,webgl,webgpu').split(',');

async function embeddingOn(backend: string): Promise<number[]> {
	const context = await newContext(state.browser);
	try {
		const page = await context.newPage();
		await page.goto(`${state.server.base}/enroll?backend=${backend}`);
		assertEqual(await waitForEngine(page), backend, 'backend in use');
		const [item] = await enroll(page, [PHOTO], 'me');
		assertEqual(item.status, 'saved', `${backend}: photo saved`);
		await page.goto(`${state.server.base}/data`);
		const backup = JSON.parse((await downloadText(page, '[data-testid=export-backup]')).text);
		return backup.samples[0].embedding as number[];
	} finally {
		await context.close();
	}
}

test(`the same photo gives the same embedding on ${BACKENDS.join(', ')} (cosine >= 0.999)`, async () => {
	const [reference, ...others] = BACKENDS;
	const base = await embeddingOn(reference);
	for (const backend of others) {
		const started = performance.now();
		const similarity = cosine(base, await embeddingOn(backend));
		console.log(
			`  ${reference} vs ${backend}: cosine ${similarity.toFixed(7)} (${Math.round(performance.now() - started)} ms)`
		);
		assert(similarity >= 0.999, `${reference} vs ${backend}: cosine ${similarity}`);
	}
}, 600_000);

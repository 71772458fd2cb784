import { authorize } from '#lib/server/auth/api-keys.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { recognizeFrame } from '#lib/server/people/registry.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import type { RequestHandler } from './$types';

/** Seed 002's camera endpoint: every face in `image` matched 1:N against the registered people. Scope `recognize`. */
export const POST: RequestHandler = async ({ request }) => {
	const startedAt = performance.now();
	try {
		const caller = await authorize(request, 'recognize');
		return await heavyWork(async () => {
			const maxBytes = mbToBytes(getConfig().maxContentMb);
			const form = await readForm(request, maxBytes);
			const [frame] = await readImageUploads(form, 'image', { maxBytes });
			return json(await recognizeFrame(frame.bytes, startedAt, { withScores: caller.keyId !== null }));
		});
	} catch (error) {
		return errorResponse(error);
	}
};

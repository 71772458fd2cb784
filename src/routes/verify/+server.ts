import { authorize } from '#lib/server/auth/api-keys.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { verifyBytes } from '#lib/server/verifier.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import type { RequestHandler } from './$types';

/** Needs a `verify` key (unless PUBLIC_SCOPES has verify; anonymous callers then get no score). */
export const POST: RequestHandler = async ({ request }) => {
	const startedAt = performance.now();
	try {
		const caller = await authorize(request, 'verify');
		return await heavyWork(async () => {
			const config = getConfig();
			const maxBytes = mbToBytes(config.maxContentMb);
			const form = await readForm(request, maxBytes);
			const [upload] = await readImageUploads(form, 'image', { maxBytes });
			const result = await verifyBytes(upload.bytes, startedAt, config);
			if (caller.keyId) return json(result);
			const { score: _score, ...withoutScore } = result;
			return json(withoutScore);
		});
	} catch (error) {
		return errorResponse(error);
	}
};

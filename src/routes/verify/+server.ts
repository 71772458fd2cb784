import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { verifyBytes } from '#lib/server/verifier.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
	const startedAt = performance.now();
	try {
		const config = getConfig();
		const maxBytes = mbToBytes(config.maxContentMb);
		const form = await readForm(request, maxBytes);
		const [upload] = await readImageUploads(form, 'image', { maxBytes });
		return json(await verifyBytes(upload.bytes, startedAt, config));
	} catch (error) {
		return errorResponse(error);
	}
};

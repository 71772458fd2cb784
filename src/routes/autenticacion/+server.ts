import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { loginWithFace } from '#lib/server/people/login.ts';
import { clientKey } from '#lib/server/people/body.ts';
import type { RequestHandler } from './$types';

/** Seed 003: a face photo (`image`, or the seed's `imagen`) answers `{token, user}` or 401; 429 when blocked. */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	try {
		// The body is read only after the rate limiter let this client through.
		return json(
			await loginWithFace(clientKey(getClientAddress), async () => {
				const maxBytes = mbToBytes(getConfig().maxContentMb);
				const form = await readForm(request, maxBytes);
				const field = form.has('imagen') && !form.has('image') ? 'imagen' : 'image';
				const [photo] = await readImageUploads(form, field, { maxBytes });
				return photo.bytes;
			})
		);
	} catch (error) {
		return errorResponse(error);
	}
};

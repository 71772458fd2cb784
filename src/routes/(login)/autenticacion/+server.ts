import { requestBucket } from '#lib/server/auth/api-keys.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { livenessBodyLimit, readLivenessForm } from '#lib/server/liveness/index.ts';
import { loginWithFace } from '#lib/server/people/login.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import type { RequestHandler } from './$types';

/**
 * Seed 003 face login, answered `{token, user}` or 401; 429 when blocked. By default the face comes from the
 * frames of a liveness challenge (`challenge`, `frames`, `frame_times`); a single photo (`image`, or the
 * seed's `imagen`) only where LOGIN_LIVENESS is `optional` or `off`.
 */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	try {
		const config = getConfig();
		// A caller with an API key is limited per key; anyone else per address (X-Forwarded-For only from trusted proxies).
		const client = await requestBucket(request, getClientAddress);
		// The attempt is counted before the body is even read; the face work then waits for a slot.
		return json(
			await loginWithFace(
				client,
				async () => {
					const maxBytes = mbToBytes(config.maxContentMb);
					const form = await readForm(request, livenessBodyLimit(config));
					const live = await readLivenessForm(form, request.headers, maxBytes);
					if (live) return { kind: 'liveness', upload: live };
					const field = form.has('imagen') && !form.has('image') ? 'imagen' : 'image';
					const [photo] = await readImageUploads(form, field, { maxBytes });
					return { kind: 'photo', bytes: photo.bytes };
				},
				heavyWork
			)
		);
	} catch (error) {
		return errorResponse(error);
	}
};

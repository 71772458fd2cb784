import { authorize } from '#lib/server/auth/api-keys.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { livenessBodyLimit, readLivenessForm, spendChallenge } from '#lib/server/liveness/index.ts';
import { verifyBytes, verifyLiveFrames } from '#lib/server/verifier.ts';
import { CoreError } from '#lib/core/errors.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import type { RequestHandler } from './$types';

/**
 * Needs a `verify` key (unless PUBLIC_SCOPES has verify; anonymous callers then get no score). One photo
 * (`image`), or a liveness challenge's frames (`challenge`, `frames`, `frame_times`): then the answer is for the
 * challenge's decision frame and says so in `liveness`. VERIFY_LIVENESS=required refuses single photos.
 */
export const POST: RequestHandler = async ({ request }) => {
	const startedAt = performance.now();
	try {
		const caller = await authorize(request, 'verify');
		return await heavyWork(async () => {
			const config = getConfig();
			const maxBytes = mbToBytes(config.maxContentMb);
			const form = await readForm(request, livenessBodyLimit(config));
			const live = await readLivenessForm(form, request.headers, maxBytes);
			let result;
			if (live) {
				const challenge = await spendChallenge(live.challenge, 'verify');
				result = await verifyLiveFrames(challenge, live, startedAt, config);
			} else {
				if (config.verifyLiveness === 'required')
					throw new CoreError(
						'LIVENESS_REQUIRED',
						'This server verifies only the frames of a liveness challenge.'
					);
				const [upload] = await readImageUploads(form, 'image', { maxBytes });
				result = await verifyBytes(upload.bytes, startedAt, config);
			}
			if (caller.keyId) return json(result);
			const { score: _score, ...withoutScore } = result;
			return json(withoutScore);
		});
	} catch (error) {
		return errorResponse(error);
	}
};

import { verify } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import { getConfig } from '#lib/server/config.ts';
import { spendChallenge } from '#lib/server/liveness/index.ts';
import { verifyBytes, verifyLiveFrames } from '#lib/server/verifier.ts';
import { CoreError } from '#lib/core/errors.ts';

/**
 * The API on the verify page's URL (SvelteKit answers HTML requests with the page): one photo, or a liveness
 * challenge's frames, answered for the challenge's decision frame. Anonymous callers get no score.
 */
export const POST = endpoint(verify, async ({ caller, body, startedAt }) => {
	const config = getConfig();
	let result;
	if (body.kind === 'liveness') {
		const challenge = await spendChallenge(body.upload.challenge, 'verify');
		result = await verifyLiveFrames(challenge, body.upload, startedAt, config);
	} else {
		if (config.verifyLiveness === 'required')
			throw new CoreError(
				'LIVENESS_REQUIRED',
				'This server verifies only the frames of a liveness challenge.'
			);
		result = await verifyBytes(body.uploads[0].bytes, startedAt, config);
	}
	if (caller.keyId) return result;
	const { score: _score, ...withoutScore } = result;
	return withoutScore;
});

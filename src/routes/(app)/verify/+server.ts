import { verify } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import { spendChallenge } from '#lib/server/liveness/index.ts';
import { CoreError } from '#lib/core/errors.ts';

/**
 * The API on the verify page's URL (SvelteKit answers HTML requests with the page): one photo, or a liveness
 * challenge's frames, answered for the challenge's decision frame. Anonymous callers get no score.
 */
export const POST = endpoint(verify, async ({ services, caller, body, startedAt }) => {
	const { verifier } = services;
	let result;
	if (body.kind === 'liveness') {
		const challenge = await spendChallenge(services, body.upload.challenge, 'verify');
		result = await verifier.verifyLiveFrames(challenge, body.upload, startedAt);
	} else {
		if (services.config.verifyLiveness === 'required')
			throw new CoreError(
				'LIVENESS_REQUIRED',
				'This server verifies only the frames of a liveness challenge.'
			);
		result = await verifier.verifyBytes(body.uploads[0].bytes, startedAt);
	}
	if (caller.keyId) return result;
	const { score: _score, ...withoutScore } = result;
	return withoutScore;
});

import { requestBucket } from '#lib/server/auth/api-keys.ts';
import { livenessChallenge } from '#lib/server/api/contract.ts';
import { endpoint, reply } from '#lib/server/api/endpoint.ts';
import { issueChallenge } from '#lib/server/liveness/index.ts';

/** A fresh, signed, single-use liveness challenge; limited per client before anything is read. */
export const POST = endpoint(livenessChallenge, {
	before: async ({ request, event, services }) => {
		const bucket = await requestBucket(services, request, event.getClientAddress);
		await services.limiters.challenge.reserve(`challenge:${bucket}`);
	},
	handle: async ({ query, body, services }) => {
		const challenge = issueChallenge(services, query.purpose ?? body.purpose ?? 'login');
		return reply(200, challenge, { 'cache-control': 'no-store' });
	}
});

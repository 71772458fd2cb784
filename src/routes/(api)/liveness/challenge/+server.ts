import { requestBucket } from '#lib/server/auth/api-keys.ts';
import { livenessChallenge } from '#lib/server/api/contract.ts';
import { endpoint, reply } from '#lib/server/api/endpoint.ts';
import { challengeLimiter, issueChallenge } from '#lib/server/liveness/index.ts';

/** A fresh, signed, single-use liveness challenge; limited per client before anything is read. */
export const POST = endpoint(livenessChallenge, {
	before: async ({ request, event }) => {
		await challengeLimiter().reserve(`challenge:${await requestBucket(request, event.getClientAddress)}`);
	},
	handle: async ({ query, body }) => {
		const challenge = issueChallenge(query.purpose ?? body.purpose ?? 'login');
		return reply(200, challenge, { 'cache-control': 'no-store' });
	}
});

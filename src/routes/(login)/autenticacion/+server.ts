import { requestBucket } from '#lib/server/auth/api-keys.ts';
import { login } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import { loginWithFace } from '#lib/server/people/login.ts';

/**
 * The attempt is counted (per API key, or per address) before the body is read; the body is read before a
 * face slot is taken, so a slow upload does not hold the queue.
 */
export const POST = endpoint(login, async ({ services, request, event, body }) => {
	const client = await requestBucket(services, request, event.getClientAddress);
	const evidence = async () => {
		const form = await body();
		return form.kind === 'liveness' ? form : { kind: 'photo' as const, bytes: form.uploads[0].bytes };
	};
	return loginWithFace(services, client, evidence);
});

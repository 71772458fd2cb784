import { limitBucket } from '#lib/server/auth/client-address.ts';
import { optionalCaller } from '#lib/server/auth/api-keys.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json } from '#lib/server/http.ts';
import { challengeLimiter, issueChallenge, readPurpose } from '#lib/server/liveness/index.ts';
import type { RequestHandler } from './$types';

/**
 * A fresh, signed, single-use liveness challenge: `{"purpose": "login" | "verify" | "enrol"}` (default
 * login) in a JSON body or `?purpose=`. Anyone may ask (face login is anonymous); limited per client.
 */
export const POST: RequestHandler = async ({ request, url, getClientAddress }) => {
	try {
		const config = getConfig();
		const client = limitBucket(
			(await optionalCaller(request))?.keyId,
			getClientAddress,
			request.headers.get('x-forwarded-for'),
			config.trustedProxies
		);
		await challengeLimiter().reserve(`challenge:${client}`);
		const purpose = await readPurpose(request, url);
		return json(issueChallenge(purpose, config), 200, { 'cache-control': 'no-store' });
	} catch (error) {
		return errorResponse(error);
	}
};

import { requestBucket } from '#lib/server/auth/api-keys.ts';
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
		await challengeLimiter().reserve(`challenge:${await requestBucket(request, getClientAddress)}`);
		const purpose = await readPurpose(request, url);
		return json(issueChallenge(purpose, config), 200, { 'cache-control': 'no-store' });
	} catch (error) {
		return errorResponse(error);
	}
};

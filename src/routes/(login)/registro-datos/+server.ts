import { hasScope, optionalCaller } from '#lib/server/auth/api-keys.ts';
import { limitBucket } from '#lib/server/auth/client-address.ts';
import { getSignupLimiter } from '#lib/server/auth/index.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json } from '#lib/server/http.ts';
import { createUser } from '#lib/server/people/login.ts';
import { readTextFields } from '#lib/server/people/body.ts';
import type { RequestHandler } from './$types';

/**
 * Seed 003, step 1: `nombre` and `correo` (form or JSON) create a face-login user. The answer carries, once,
 * the `enrolment_token` that step 2 needs.
 */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	try {
		const caller = await optionalCaller(request);
		const operator = hasScope(caller, 'manage');
		if (!operator) {
			const { trustedProxies } = getConfig();
			const forwarded = request.headers.get('x-forwarded-for');
			const bucket = limitBucket(caller?.keyId, getClientAddress, forwarded, trustedProxies);
			await getSignupLimiter().reserve(`signup:${bucket}`); // its own namespace: sign-ups are not login attempts
		}
		const fields = await readTextFields(request, 64 * 1024);
		return json(await createUser(fields.nombre ?? '', fields.correo ?? '', operator), 201);
	} catch (error) {
		return errorResponse(error);
	}
};

import { limitBucket } from '#lib/server/auth/client-address.ts';
import { createUser } from '#lib/server/api/contract.ts';
import { endpoint, reply } from '#lib/server/api/endpoint.ts';
import * as login from '#lib/server/people/login.ts';

/** Sign-ups are limited per client (their own namespace: they are not login attempts); operators are not. */
export const POST = endpoint(createUser, {
	before: async ({ services, caller, request, event }) => {
		if (caller.operator) return;
		const forwarded = request.headers.get('x-forwarded-for');
		const bucket = limitBucket(
			caller.caller?.keyId,
			event.getClientAddress,
			forwarded,
			services.config.trustedProxies
		);
		await services.limiters.signup.reserve(`signup:${bucket}`);
	},
	handle: async ({ services, caller, body }) =>
		reply(201, await login.createUser(services, body.nombre ?? '', body.correo ?? '', caller.operator))
});

import { updateProfile } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import * as login from '#lib/server/people/login.ts';

/** The token is checked before the body is read: an anonymous caller gets nothing else. */
export const PUT = endpoint(updateProfile, async ({ services, caller, body }) =>
	login.updateProfile(services, caller, body)
);

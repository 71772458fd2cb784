import { deleteUser } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import * as login from '#lib/server/people/login.ts';
import { CoreError } from '#lib/core/errors.ts';

/** The user themselves (their login token) or a `manage` key. */
export const DELETE = endpoint(deleteUser, async ({ services, caller, params }) => {
	if (caller.kind === 'user' && caller.claims.userId !== params.id)
		throw new CoreError('FORBIDDEN', 'A login token may only delete its own user.');
	return login.deleteUser(services, params.id);
});

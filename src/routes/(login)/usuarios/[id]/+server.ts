import { apiKeyOf, authorize } from '#lib/server/auth/api-keys.ts';
import { CoreError } from '#lib/core/errors.ts';
import { errorResponse, json } from '#lib/server/http.ts';
import { deleteUser, parseUserId, requireToken } from '#lib/server/people/login.ts';
import type { RequestHandler } from './$types';

/** Erases a face-login user and all their embeddings: the user themselves (login token) or a `manage` key. */
export const DELETE: RequestHandler = async ({ request, params }) => {
	try {
		if (apiKeyOf(request)) {
			await authorize(request, 'manage');
		} else {
			const claims = await requireToken(request.headers.get('authorization'));
			if (claims.userId !== parseUserId(params.id)) {
				throw new CoreError('FORBIDDEN', 'A login token may only delete its own user.');
			}
		}
		return json(await deleteUser(parseUserId(params.id)));
	} catch (error) {
		return errorResponse(error);
	}
};

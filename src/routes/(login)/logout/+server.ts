import { errorResponse, json } from '#lib/server/http.ts';
import { logout, requireToken } from '#lib/server/people/login.ts';
import type { RequestHandler } from './$types';

/** Face login: revokes every token of the caller's user (this one included). */
export const POST: RequestHandler = async ({ request }) => {
	try {
		return json(await logout(await requireToken(request.headers.get('authorization'))));
	} catch (error) {
		return errorResponse(error);
	}
};

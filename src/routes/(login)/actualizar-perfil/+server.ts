import { errorResponse, json } from '#lib/server/http.ts';
import { requireToken, updateProfile } from '#lib/server/people/login.ts';
import { readTextFields } from '#lib/server/people/body.ts';
import type { RequestHandler } from './$types';

/** Seed 003's protected route: `Authorization: Bearer <token>` (or the bare token), `nombre` and/or `correo`. */
export const PUT: RequestHandler = async ({ request }) => {
	try {
		// The token is checked before the body is read: an anonymous caller gets nothing else.
		const claims = await requireToken(request.headers.get('authorization'));
		const fields = await readTextFields(request, 64 * 1024);
		return json(await updateProfile(claims, fields));
	} catch (error) {
		return errorResponse(error);
	}
};

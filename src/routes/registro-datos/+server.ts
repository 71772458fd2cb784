import { hasScope, optionalCaller } from '#lib/server/auth/api-keys.ts';
import { errorResponse, json } from '#lib/server/http.ts';
import { createUser } from '#lib/server/people/login.ts';
import { readTextFields } from '#lib/server/people/body.ts';
import type { RequestHandler } from './$types';

/**
 * Seed 003, step 1: `nombre` and `correo` (form or JSON) create a face-login user. The answer carries, once,
 * the `enrolment_token` that step 2 needs.
 */
export const POST: RequestHandler = async ({ request }) => {
	try {
		const operator = hasScope(optionalCaller(request), 'manage');
		const fields = await readTextFields(request, 64 * 1024);
		return json(createUser(fields.nombre ?? '', fields.correo ?? '', operator), 201);
	} catch (error) {
		return errorResponse(error);
	}
};

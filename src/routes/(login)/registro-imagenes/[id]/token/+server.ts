import { errorResponse, json } from '#lib/server/http.ts';
import { parseUserId, renewEnrolment, requireToken } from '#lib/server/people/login.ts';
import type { RequestHandler } from './$types';

/**
 * A new single-use enrolment token for replacing the template: only the logged-in user themselves gets one
 * (their login token), so replacing a face needs both a valid login and the enrolment proof.
 */
export const POST: RequestHandler = async ({ request, params }) => {
	try {
		const claims = await requireToken(request.headers.get('authorization'));
		return json(await renewEnrolment(claims, parseUserId(params.id)));
	} catch (error) {
		return errorResponse(error);
	}
};

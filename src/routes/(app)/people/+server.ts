import { authorize } from '#lib/server/auth/api-keys.ts';
import { errorResponse, json } from '#lib/server/http.ts';
import { listPeople } from '#lib/server/people/registry.ts';
import type { RequestHandler } from './$types';

/** Scope `manage`: the list of names is itself personal data. */
export const GET: RequestHandler = async ({ request }) => {
	try {
		await authorize(request, 'manage');
		return json(await listPeople());
	} catch (error) {
		return errorResponse(error);
	}
};

import { errorResponse, json } from '#lib/server/http.ts';
import { listPeople } from '#lib/server/people/registry.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => {
	try {
		return json(listPeople());
	} catch (error) {
		return errorResponse(error);
	}
};

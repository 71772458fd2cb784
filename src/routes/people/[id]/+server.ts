import { errorResponse, json } from '#lib/server/http.ts';
import { deletePerson, getPerson } from '#lib/server/people/registry.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => {
	try {
		return json(getPerson(params.id));
	} catch (error) {
		return errorResponse(error);
	}
};

/** Erases the person and every stored embedding of theirs. */
export const DELETE: RequestHandler = async ({ params }) => {
	try {
		return json(deletePerson(params.id));
	} catch (error) {
		return errorResponse(error);
	}
};

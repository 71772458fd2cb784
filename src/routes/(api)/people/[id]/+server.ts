import { authorize } from '#lib/server/auth/api-keys.ts';
import { errorResponse, json } from '#lib/server/http.ts';
import { deletePerson, getPerson } from '#lib/server/people/registry.ts';
import type { RequestHandler } from './$types';

/** Scope `manage`, checked before the id is looked up: strangers learn nothing about which ids exist. */
export const GET: RequestHandler = async ({ params, request }) => {
	try {
		await authorize(request, 'manage');
		return json(await getPerson(params.id));
	} catch (error) {
		return errorResponse(error);
	}
};

/** Erases the person and every stored embedding of theirs (zeroed on disk, WAL checkpointed). */
export const DELETE: RequestHandler = async ({ params, request }) => {
	try {
		await authorize(request, 'manage');
		return json(await deletePerson(params.id));
	} catch (error) {
		return errorResponse(error);
	}
};

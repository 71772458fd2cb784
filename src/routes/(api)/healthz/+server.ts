import { json } from '#lib/server/http.ts';
import { health } from '#lib/server/verifier.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const state = await health();
	return json(state, state.status === 'ok' ? 200 : 503);
};

import { health } from '#lib/server/api/contract.ts';
import { endpoint, reply } from '#lib/server/api/endpoint.ts';

export const GET = endpoint(health, async ({ services }) => {
	const state = await services.verifier.health();
	return reply(state.status === 'ok' ? 200 : 503, state);
});

import { health } from '#lib/server/api/contract.ts';
import { endpoint, reply } from '#lib/server/api/endpoint.ts';
import { health as readiness } from '#lib/server/verifier.ts';

export const GET = endpoint(health, async () => {
	const state = await readiness();
	return reply(state.status === 'ok' ? 200 : 503, state);
});

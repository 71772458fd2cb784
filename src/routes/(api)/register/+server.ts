import { register } from '#lib/server/api/contract.ts';
import { endpoint, reply } from '#lib/server/api/endpoint.ts';
import { registerPerson } from '#lib/server/people/registry.ts';

export const POST = endpoint(register, async ({ services, body }) => {
	const result = await registerPerson(services, body.name, body.images, body.person_id);
	return reply(result.created ? 201 : 200, result);
});

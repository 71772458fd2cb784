import { deletePerson, getPerson } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import * as registry from '#lib/server/people/registry.ts';

export const GET = endpoint(getPerson, async ({ services, params }) =>
	registry.getPerson(services, params.id)
);

export const DELETE = endpoint(deletePerson, async ({ services, params }) =>
	registry.deletePerson(services, params.id)
);

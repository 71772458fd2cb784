import { listPeople } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import * as registry from '#lib/server/people/registry.ts';

/** The API on the people page's URL (SvelteKit answers HTML requests with the page). */
export const GET = endpoint(listPeople, async ({ services }) => registry.listPeople(services));

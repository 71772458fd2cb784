import { processImages } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import * as registry from '#lib/server/people/registry.ts';

export const POST = endpoint(processImages, async ({ services, body }) =>
	registry.processImages(services, body.id, body.name ?? '', body.images)
);

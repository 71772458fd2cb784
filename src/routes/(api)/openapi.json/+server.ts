import { openApiDocument as operation } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import { openApiDocument } from '#lib/server/api/openapi.ts';

/** Generated from the schemas the routes validate with (src/lib/server/api/); there is no hand-written copy. */
export const GET = endpoint(operation, async () => openApiDocument());

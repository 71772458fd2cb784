import { apiIndex } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import { API_DESCRIPTION } from '#lib/server/api-description.ts';

export const GET = endpoint(apiIndex, async () => API_DESCRIPTION);

import { API_DESCRIPTION } from '#lib/server/api-description.ts';
import { json } from '#lib/server/http.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => json(API_DESCRIPTION);

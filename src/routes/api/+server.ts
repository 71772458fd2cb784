import { API_DESCRIPTION } from '#lib/server/api-description';
import { json } from '#lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => json(API_DESCRIPTION);

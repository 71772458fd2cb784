import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { API_DESCRIPTION } from '#lib/server/api-description';
import { json } from '#lib/server/http';
import { startEngine } from '#lib/server/verifier';

export const init: ServerInit = async () => {
	// A stray rejection must be logged, never take the whole server down.
	process.on('unhandledRejection', (reason) => console.error('[me-verifier] unhandled rejection:', reason));
	// Load and warm the models before the first request; failures surface through /healthz.
	startEngine().catch(() => undefined);
};

function wantsJson(request: Request): boolean {
	const accept = request.headers.get('accept') ?? '';
	return accept.includes('application/json') && !accept.includes('text/html');
}

export const handle: Handle = async ({ event, resolve }) => {
	if (event.url.pathname === '/' && event.request.method === 'GET' && wantsJson(event.request)) {
		return json(API_DESCRIPTION);
	}
	return resolve(event);
};

export const handleError: HandleServerError = ({ error, status }) => {
	if (status !== 404) console.error('[me-verifier] unexpected error:', error);
	return { message: status === 404 ? 'Not found' : 'Internal server error', code: 'INTERNAL' };
};

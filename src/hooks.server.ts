import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { API_DESCRIPTION } from '#lib/server/api-description.ts';
import { json } from '#lib/server/http.ts';
import { startEngine } from '#lib/server/verifier.ts';

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

export const handleError: HandleServerError = (input) => {
	// Framework errors (404s and the like) keep SvelteKit's safe defaults; our own failures are logged, never shown.
	if (input.kind !== 'unknown') return;
	console.error('[me-verifier] unexpected error:', input.error);
	return { message: 'Internal server error', code: 'INTERNAL' };
};

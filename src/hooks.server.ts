import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { API_DESCRIPTION } from '#lib/server/api-description.ts';
import { initAuth } from '#lib/server/auth/index.ts';
import { getDatabase } from '#lib/server/db/index.ts';
import { json } from '#lib/server/http.ts';
import { getPeopleEngine } from '#lib/server/people/index.ts';
import { startEngine } from '#lib/server/verifier.ts';

export const init: ServerInit = async () => {
	// A stray rejection must be logged, never take the whole server down.
	process.on('unhandledRejection', (reason) => console.error('[me-verifier] unhandled rejection:', reason));
	try {
		// Create/migrate the database and resolve the JWT secret now: production without a strong
		// JWT_SECRET must refuse to start, not fail on the first login.
		getDatabase();
		initAuth();
	} catch (error) {
		console.error(`[me-verifier] cannot start: ${(error as Error).message}`);
		process.exit(78); // EX_CONFIG: the cluster primary does not restart a worker that exits with it
	}
	// Load and warm the models before the first request; failures surface through /healthz.
	startEngine().catch(() => undefined);
	getPeopleEngine().catch(() => undefined);
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

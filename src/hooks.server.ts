import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { API_DESCRIPTION } from '#lib/server/api-description.ts';
import { ensureFirstKey } from '#lib/server/auth/api-keys.ts';
import { checkSharedSecrets, initAuth } from '#lib/server/auth/index.ts';
import { getConfig } from '#lib/server/config.ts';
import { closeStore } from '#lib/server/db/index.ts';
import { json } from '#lib/server/http.ts';
import { getPeopleEngine, warmGalleries } from '#lib/server/people/index.ts';
import { livenessWarnings } from '#lib/server/liveness/index.ts';
import { isCrossSiteForbidden, withSecurityHeaders } from '#lib/server/security-headers.ts';
import { openDatabaseAtStart } from '#lib/server/startup.ts';
import { startEngine } from '#lib/server/verifier.ts';

export const init: ServerInit = async () => {
	// A stray rejection must be logged, never take the whole server down.
	process.on('unhandledRejection', (reason) => console.error('[me-verifier] unhandled rejection:', reason));
	// adapter-node emits this once in-flight requests are done after SIGTERM/SIGINT; the engine's handles would
	// otherwise keep the worker alive until the primary gives up on it.
	process.once('sveltekit:shutdown', () => {
		closeStore().finally(() => process.exit(0));
	});
	try {
		// Create/migrate the database (waiting out another process's lock) and resolve the JWT secret now:
		// production with a weak JWT_SECRET must refuse to start, not fail on the first login.
		const store = await openDatabaseAtStart();
		initAuth();
		await checkSharedSecrets(store);
		const first = await ensureFirstKey(store);
		if (first) {
			console.log(
				`[me-verifier] first start: created the API key "admin" (${first.row.id}; scopes ${first.row.scopes}).\n` +
					'[me-verifier] It is shown only this once: keep it (npm run keys -- list|create|revoke). The key:\n' +
					first.key
			);
		}
		for (const warning of livenessWarnings()) console.warn(`[me-verifier] ${warning}`);
		for (const scope of getConfig().publicScopes) {
			const route = scope === 'verify' ? 'POST /verify' : 'POST /process_frame';
			console.warn(`[me-verifier] PUBLIC_SCOPES: ${route} answers without an API key (scores withheld).`);
		}
	} catch (error) {
		console.error(`[me-verifier] cannot start: ${(error as Error).message}`);
		process.exit(78); // EX_CONFIG: the cluster primary does not restart a worker that exits with it
	}
	// Load and warm the models before the first request; failures surface through /healthz.
	startEngine().catch(() => undefined);
	getPeopleEngine().catch(() => undefined);
	warmGalleries().catch((error: unknown) => console.error('[me-verifier] galleries failed to load:', error));
};

function wantsJson(request: Request): boolean {
	const accept = request.headers.get('accept') ?? '';
	return accept.includes('application/json') && !accept.includes('text/html');
}

export const handle: Handle = async ({ event, resolve }) => {
	if (
		isCrossSiteForbidden(
			event.request,
			event.request.headers.get('host') ?? event.url.host,
			getConfig().allowedOrigins
		)
	) {
		const error = { code: 'FORBIDDEN', message: 'Cross-site requests from this origin are not allowed.' };
		return withSecurityHeaders(json({ error }, 403));
	}
	if (event.url.pathname === '/' && event.request.method === 'GET' && wantsJson(event.request)) {
		return withSecurityHeaders(json(API_DESCRIPTION));
	}
	return withSecurityHeaders(await resolve(event));
};

export const handleError: HandleServerError = (input) => {
	// Framework errors (404s and the like) keep SvelteKit's safe defaults; our own failures are logged, never shown.
	if (input.kind !== 'unknown') return;
	console.error('[me-verifier] unexpected error:', input.error);
	return { message: 'Internal server error', code: 'INTERNAL' };
};

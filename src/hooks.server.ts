import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { API_DESCRIPTION } from '#lib/server/api-description.ts';
import { ensureFirstKey } from '#lib/server/auth/api-keys.ts';
import { checkSharedSecrets } from '#lib/server/auth/index.ts';
import { loadConfig } from '#lib/server/config.ts';
import { CoreError } from '#lib/core/errors.ts';
import { openConfiguredStore } from '#lib/server/db/index.ts';
import { errorResponse, json } from '#lib/server/http.ts';
import { warmGalleries } from '#lib/server/people/index.ts';
import { livenessWarnings } from '#lib/server/liveness/index.ts';
import { isCrossSiteForbidden, isUnknownHost, withSecurityHeaders } from '#lib/server/security-headers.ts';
import { createServices, type Services } from '#lib/server/services.ts';
import { openDatabaseAtStart } from '#lib/server/startup.ts';

/** The composition root: built once by `init`, handed to every request as `event.locals.services`. */
let services: Services | null = null;

export const init: ServerInit = async () => {
	// A stray rejection must be logged, never take the whole server down.
	process.on('unhandledRejection', (reason) => console.error('[me-verifier] unhandled rejection:', reason));
	// adapter-node emits this once in-flight requests are done after SIGTERM/SIGINT; the engine's handles would
	// otherwise keep the worker alive until the primary gives up on it.
	process.once('sveltekit:shutdown', () => {
		(services?.close() ?? Promise.resolve()).finally(() => process.exit(0));
	});
	let ready: Services;
	try {
		// The configuration is read and checked once (a bad variable stops the start with exit 78); the database
		// is created/migrated (waiting out another process's lock) and the JWT secret resolved now: production
		// with a weak JWT_SECRET must refuse to start, not fail on the first login.
		const config = loadConfig();
		const store = await openDatabaseAtStart(() => openConfiguredStore(config));
		ready = await createServices(config, { store, ownsStore: true });
		await checkSharedSecrets(store, ready.tokens);
		const first = await ensureFirstKey(store);
		if (first) {
			console.log(
				`[me-verifier] first start: created the API key "admin" (${first.row.id}; scopes ${first.row.scopes}).\n` +
					'[me-verifier] It is shown only this once: keep it (npm run keys -- list|create|revoke). The key:\n' +
					first.key
			);
		}
		for (const warning of livenessWarnings(config)) console.warn(`[me-verifier] ${warning}`);
		for (const scope of config.publicScopes) {
			const route = scope === 'verify' ? 'POST /verify' : 'POST /process_frame';
			console.warn(`[me-verifier] PUBLIC_SCOPES: ${route} answers without an API key (scores withheld).`);
		}
	} catch (error) {
		console.error(`[me-verifier] cannot start: ${(error as Error).message}`);
		process.exit(78); // EX_CONFIG: the cluster primary does not restart a worker that exits with it
	}
	services = ready;
	// Load and warm the models before the first request; failures surface through /healthz.
	ready.verifier.start().catch(() => undefined);
	ready.peopleEngine().catch(() => undefined);
	warmGalleries(ready.config, ready.store).catch((error: unknown) =>
		console.error('[me-verifier] galleries failed to load:', error)
	);
};

function wantsJson(request: Request): boolean {
	const accept = request.headers.get('accept') ?? '';
	return accept.includes('application/json') && !accept.includes('text/html');
}

export const handle: Handle = async ({ event, resolve }) => {
	if (!services) throw new Error('The server has not started: hooks init did not run.');
	event.locals.services = services;
	const host = event.request.headers.get('host') ?? event.url.host;
	const forbidden = (message: string) =>
		withSecurityHeaders(errorResponse(new CoreError('FORBIDDEN', message)));
	if (isUnknownHost(host, services.config.allowedHosts))
		return forbidden('This server does not answer to that host name (see ALLOWED_HOSTS).');
	if (isCrossSiteForbidden(event.request, host, services.config.allowedOrigins))
		return forbidden('Cross-site requests from this origin are not allowed.');
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

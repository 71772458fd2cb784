import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** tsx's own files among the process's flags (`--import …/node_modules/tsx/dist/loader.mjs`). */
const TSX_DIST = /[/\\]tsx[/\\]dist[/\\]/;

/**
 * The `execArgv` for a worker thread whose entry is TypeScript source: such an entry needs tsx's loader (its imports
 * name no extension). A process started by tsx passes the loader on to its threads; Vitest's test processes do not,
 * and there a thread failed to start (the flip's mirror thread did, unnoticed: its fallback hid it).
 */
export function typeScriptLoader(entry: URL): string[] | undefined {
	if (!entry.pathname.endsWith('.ts') || process.execArgv.some((arg) => TSX_DIST.test(arg))) return undefined;
	// Only the loader: a thread given execArgv gets none of the process's other flags, and some process-wide ones
	// (--max-old-space-size) make the Worker constructor throw (ERR_WORKER_INVALID_EXEC_ARGV).
	return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

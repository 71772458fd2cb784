import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The `execArgv` for a worker thread whose entry is TypeScript source: such an entry needs tsx's loader (its imports
 * name no extension). A process started by tsx passes the loader on to its threads; Vitest's test processes do not,
 * and there a thread failed to start (the flip's mirror thread did, unnoticed: its fallback hid it).
 */
export function typeScriptLoader(entry: URL): string[] | undefined {
	if (!entry.pathname.endsWith('.ts') || process.execArgv.some((arg) => arg.includes('tsx')))
		return undefined;
	const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
	return [...process.execArgv, '--import', loader];
}

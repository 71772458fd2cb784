/**
 * The engine worker's script chunks (issue 12). SvelteKit's list of build files names a worker's entry but not the
 * chunks it imports (the engine, tfjs' GPU backends), so the service worker finds them by following the imports:
 * from the entry (`_app/immutable/workers/`) they are `./chunks/<name>.js`, from one chunk to another `./<name>.js`.
 */

const WORKERS = '/_app/immutable/workers/';
/** A chunk of a worker's script, as the build names it. */
const WORKER_CHUNK = /^\/_app\/immutable\/workers\/chunks\/[\w-]+\.js$/;
const SPECIFIER = /["'`]\.\/((?:chunks\/)?[\w-]+\.js)["'`]/g;

/** The chunk paths a worker script's text imports (its relative specifiers; the script's own path gives the base). */
export function importedChunks(scriptPath: string, text: string): string[] {
	const inChunks = scriptPath.startsWith(`${WORKERS}chunks/`);
	const paths = [...text.matchAll(SPECIFIER)].map(([, relative]) =>
		inChunks ? `${WORKERS}chunks/${relative}` : `${WORKERS}${relative}`
	);
	return [...new Set(paths.filter((path) => WORKER_CHUNK.test(path)))];
}

/** Every chunk the worker entries import, directly or through other chunks (`read` gives a script's text). */
export async function workerChunks(
	entries: string[],
	read: (path: string) => Promise<string>
): Promise<string[]> {
	const found = new Set<string>();
	const queue = [...entries];
	while (queue.length > 0) {
		const path = queue.shift()!;
		for (const chunk of importedChunks(path, await read(path)))
			if (!found.has(chunk)) {
				found.add(chunk);
				queue.push(chunk);
			}
	}
	return [...found];
}

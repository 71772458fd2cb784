import type { FaceEngine } from '../../lib/core/face-engine';
import { loadConfig } from '../../lib/server/config';
import { embedderMeta } from '../../lib/core/embedders';
import { engineFor, resolveEmbedder } from '../../lib/server/node-engine';
import type { CliOutput } from './output';
import { formatDuration } from './run';

/** The --embedder option shared by the commands that load the engine. */
export const EMBEDDER_OPTION = {
	type: 'string',
	env: 'EMBEDDER',
	description: 'face engine embedder (default: the engine default)'
} as const;

/** The embedder loadCliEngine would load (its id and version), without loading it. */
export function cliEmbedder(embedder?: string): { embedder: string; embedderVersion: string } {
	const id = resolveEmbedder(embedder ?? loadConfig().embedder ?? undefined);
	return { embedder: id, embedderVersion: embedderMeta(id).version };
}

/**
 * The engine from the process's registry, so that commands run one after another in one process (the
 * pipeline test) load the models once per embedder.
 */
export async function loadCliEngine(output: CliOutput, embedder?: string): Promise<FaceEngine> {
	const started = performance.now();
	// EMBEDDER and FLIP_WORKER as the server reads them (.env included) when --embedder is not given.
	const config = loadConfig();
	const engine = await engineFor(embedder ?? config.embedder ?? undefined, { flipWorker: config.flipWorker });
	const { info } = engine;
	output.info(
		`engine: ${info.detector} + ${info.embedder} ${info.embedderVersion} (${info.embeddingSize}-D) on ${info.backend}, ` +
			`ready in ${formatDuration(performance.now() - started)}`
	);
	return engine;
}

import type { FaceEngine } from '../../lib/core/engine';
import { engineFor } from '../../lib/server/engine';
import type { CliOutput } from './output';
import { formatDuration } from './run';

/** The --embedder option shared by the commands that load the engine. */
export const EMBEDDER_OPTION = {
	type: 'string',
	env: 'EMBEDDER',
	description: 'face engine embedder (default: the engine default)'
} as const;

/**
 * The engine from the process's registry, so that commands run one after another in one process (the
 * pipeline test) load the models once per embedder.
 */
export async function loadCliEngine(output: CliOutput, embedder?: string): Promise<FaceEngine> {
	const started = performance.now();
	const engine = await engineFor(embedder);
	const { info } = engine;
	output.info(
		`engine: ${info.detector} + ${info.embedder} ${info.embedderVersion} (${info.embeddingSize}-D) on ${info.backend}, ` +
			`ready in ${formatDuration(performance.now() - started)}`
	);
	return engine;
}

import type { FaceEngine } from '../../lib/core/engine';
import { createServerEngine, getEngine } from '../../lib/server/engine';
import type { CliOutput } from './output';
import { formatDuration } from './run';

/** The --embedder option shared by the commands that load the engine. */
export const EMBEDDER_OPTION = {
	type: 'string',
	env: 'EMBEDDER',
	description: 'face engine embedder (default: the engine default)'
} as const;

const others = new Map<string, Promise<FaceEngine>>();

/**
 * The process-wide server engine, so that commands run one after another in one process (the pipeline
 * test) load the models once. A different embedder than the shared engine's gets its own, also cached.
 */
export async function loadCliEngine(output: CliOutput, embedder?: string): Promise<FaceEngine> {
	const started = performance.now();
	let engine = await getEngine({ embedder });
	if (embedder && engine.info.embedder !== embedder) {
		if (!others.has(embedder)) others.set(embedder, createServerEngine({ embedder }));
		engine = await others.get(embedder)!;
	}
	const { info } = engine;
	output.info(
		`engine: ${info.detector} + ${info.embedder} ${info.embedderVersion} (${info.embeddingSize}-D) on ${info.backend}, ` +
			`ready in ${formatDuration(performance.now() - started)}`
	);
	return engine;
}

import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { embedderMeta, isEmbedderId } from '../lib/core/embedders';
import { buildCalibrationReport, type CalibrationReport, type EmbeddedSample } from '../lib/core/calibration';
import { formatCalibration } from './lib/calibration-tables';
import { cliEmbedder, EMBEDDER_OPTION, loadCliEngine } from './lib/cli-engine';
import { parseCommand, parseNumberOption, usage, UsageError, type OptionSpecs } from './lib/args';
import { listCalibrationSet } from './lib/calibration-set';
import { runExperiments, formatExperiments, type Experiments } from './lib/calibration-experiments';
import { cacheFile, decodeVector, embedAll, embedPhoto, readCachedVectors } from './lib/embedding-cache';
import { startEmbedThreads } from './lib/embed-threads';
import { ensureTfBackend } from './lib/tf-backend';
import { terminalOutput } from './lib/output';
import { formatDuration, isEntryPoint, runScript, type CommandContext } from './lib/run';

/** Each engine holds its own models (a few hundred MB). */
const MAX_THREADS = 4;
/** Below this many photos to embed, starting engines on threads costs more than it saves (unless --threads). */
const THREADS_FROM = 200;

const SPECS = {
	dir: {
		type: 'string',
		env: 'CALIBRATION_DIR',
		default: '../shared/data/calibration',
		description: 'calibration set: one folder per identity (cfp_* frontal/profile, celeba_*)'
	},
	embedder: EMBEDDER_OPTION,
	cache: { type: 'string', default: 'data/cache', description: 'where embeddings are kept between runs' },
	identities: { type: 'string', description: 'use a seeded subset of this many identities' },
	'chip-size': {
		type: 'string',
		default: '0',
		description: 'downscale every photo to this long side first (112: tight face chips); 0 = as is'
	},
	experiments: {
		type: 'boolean',
		description: 'also run the alternatives (WCCN, fusion) and the template-vs-logistic enrolment study'
	},
	'fusion-with': {
		type: 'string',
		description: "with --experiments: fuse with this embedder's cached vectors (run calibrate with it first)"
	},
	threads: {
		type: 'string',
		description: `engines embedding photos at once, one per thread (default: one per core, at most ${MAX_THREADS})`
	},
	seed: { type: 'string', default: '42', description: 'seed of the identity split and the 1:N trials' },
	json: { type: 'string', description: 'also write the report as JSON to this file' }
} satisfies OptionSpecs;

export const USAGE = usage(
	'calibrate',
	'Embeds every photo of the calibration set (cached) and reports, per source and pose, TAR at FAR\n' +
		'1e-2/1e-3/1e-4 with 95 % intervals, 1:N false-positive identification rates, and the thresholds\n' +
		'fitted on one half of the identities and checked on the other.',
	SPECS
);

type Options = ReturnType<typeof parseCommand<typeof SPECS>>['options'];

export async function loadEmbedded(
	argv: string[],
	context: CommandContext = {}
): Promise<{
	options: Options;
	samples: EmbeddedSample[];
	embedder: string;
	embedderVersion: string;
	chipSize: number;
	seed: number;
} | null> {
	const output = context.output ?? terminalOutput();
	const { options, help } = parseCommand(argv, SPECS, context.env);
	if (help) {
		output.info(USAGE);
		return null;
	}
	const chipSize = parseNumberOption(options['chip-size'], 'chip-size', { integer: true, min: 0 });
	const seed = parseNumberOption(options.seed, 'seed', { integer: true });
	const identities =
		options.identities === undefined
			? undefined
			: parseNumberOption(options.identities, 'identities', { integer: true, min: 4 });
	const root = path.resolve(options.dir);
	const list = await listCalibrationSet(root, { identities, seed });
	output.info(`${list.length} photos of ${new Set(list.map((s) => s.identity)).size} identities in ${root}`);
	const info = cliEmbedder(options.embedder);
	const threads =
		options.threads === undefined
			? Math.min(availableParallelism(), MAX_THREADS)
			: parseNumberOption(options.threads, 'threads', { integer: true, min: 1 });
	const started = performance.now();
	const cachePath = cacheFile(path.resolve(options.cache), info, chipSize);
	const cache = await embedAll(
		info,
		async (todo) => {
			// The process's own engine only when it embeds: with threads, each thread loads its own.
			if (threads < 2 || (options.threads === undefined && todo < THREADS_FROM)) {
				const engine = await loadCliEngine(output, info.embedder);
				return { embedders: [(file) => embedPhoto(engine, file, chipSize)], close: async () => undefined };
			}
			output.info(`embedding ${todo} photos on ${threads} threads`);
			return startEmbedThreads(threads, info.embedder, chipSize);
		},
		root,
		list.map((s) => s.file),
		{ cachePath, chipSize, output }
	);
	output.info(`embeddings ready in ${formatDuration(performance.now() - started)} (${cachePath})`);
	const samples = list.map((s) => ({ ...s, vector: decodeVector(cache.entries[s.file]) }));
	return {
		options,
		samples,
		embedder: info.embedder,
		embedderVersion: info.embedderVersion,
		chipSize,
		seed
	};
}

export async function main(argv: string[], context: CommandContext = {}): Promise<CalibrationReport | null> {
	const loaded = await loadEmbedded(argv, context);
	if (!loaded) return null;
	const output = context.output ?? terminalOutput();
	const { options } = loaded;
	const report = buildCalibrationReport(loaded.samples, { seed: loaded.seed });
	for (const line of formatCalibration(report, loaded)) output.info(line);
	let experiments: Experiments | undefined;
	if (options.experiments) {
		const fusionWith = options['fusion-with'];
		if (fusionWith !== undefined && !isEmbedderId(fusionWith))
			throw new UsageError(`unknown embedder "${fusionWith}"`);
		const second = fusionWith
			? {
					name: fusionWith,
					vectors: await readCachedVectors(
						cacheFile(
							path.resolve(options.cache),
							{ embedder: fusionWith, embedderVersion: embedderMeta(fusionWith).version },
							loaded.chipSize
						)
					)
				}
			: undefined;
		await ensureTfBackend();
		experiments = await runExperiments(loaded.samples, {
			seed: loaded.seed,
			templateThreshold: report.curve.find((c) => c.far === 1e-3)?.threshold ?? 1,
			embedder: {
				id: loaded.embedder,
				version: loaded.embedderVersion,
				size: loaded.samples.find((s) => s.vector)?.vector?.length ?? 0
			},
			second
		});
		for (const line of formatExperiments(experiments)) output.info(line);
	}
	if (options.json) {
		await mkdir(path.dirname(path.resolve(options.json)), { recursive: true });
		const json = {
			embedder: loaded.embedder,
			embedderVersion: loaded.embedderVersion,
			chipSize: loaded.chipSize,
			...report
		};
		await writeFile(options.json, `${JSON.stringify(json, null, '\t')}\n`);
		output.info(`wrote ${options.json}`);
	}
	return report;
}

if (isEntryPoint(import.meta.url)) await runScript(main, USAGE);

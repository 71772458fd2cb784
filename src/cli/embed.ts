import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FaceEngine } from '../lib/core/face-engine';
import { isCoreError } from '../lib/core/errors';
import { embedMainFace } from '../lib/core/pipeline';
import { decodeImage } from '../lib/server/decode';
import { parseCommand, usage, type OptionSpecs } from './lib/args';
import { directoryExists, listDataset } from './lib/dataset';
import { writeEmbeddings, type EmbeddingSample } from './lib/embeddings-file';
import { EMBEDDER_OPTION, loadCliEngine } from './lib/cli-engine';
import { terminalOutput, type CliOutput } from './lib/output';
import { CommandError, formatDuration, isEntryPoint, runScript, type CommandContext } from './lib/run';

const SPECS = {
	me: { type: 'string', description: 'face crops of "me" (default <data-dir>/cropped/me)' },
	'not-me': { type: 'string', description: 'face crops of other people (default <data-dir>/cropped/not_me)' },
	output: {
		type: 'string',
		short: 'o',
		env: 'EMBEDDINGS_PATH',
		description: 'embeddings index; vectors go beside it as .f32 (default <data-dir>/embeddings.json)'
	},
	'data-dir': { type: 'string', env: 'DATA_DIR', default: 'data', description: 'root of the default paths' },
	embedder: EMBEDDER_OPTION
} satisfies OptionSpecs;

export const USAGE = usage(
	'embed',
	'Embeds the main face of every crop: writes an index (JSON: files, labels 1 = me / 0 = not me, embedder)\n' +
		'and the vectors (little-endian float32, one row per sample) beside it.',
	SPECS
);

export interface EmbedSkip {
	file: string;
	code: string;
	reason: string;
}

export interface EmbedResult {
	index: string;
	vectors: string;
	samples: EmbeddingSample[];
	positives: number;
	negatives: number;
	skipped: EmbedSkip[];
	durationMs: number;
}

export async function main(argv: string[], context: CommandContext = {}): Promise<EmbedResult | null> {
	const output = context.output ?? terminalOutput();
	const { options, help } = parseCommand(argv, SPECS, context.env);
	if (help) {
		output.info(USAGE);
		return null;
	}
	const dataDir = options['data-dir'];
	const classes = [
		{ label: 1 as const, name: 'me', dir: options.me ?? path.join(dataDir, 'cropped', 'me') },
		{ label: 0 as const, name: 'not me', dir: options['not-me'] ?? path.join(dataDir, 'cropped', 'not_me') }
	];
	const indexPath = options.output ?? path.join(dataDir, 'embeddings.json');
	for (const { dir, name } of classes) {
		if (!(await directoryExists(dir))) {
			throw new CommandError(`no "${name}" crops at ${dir}: run npm run crop first (or pass the folder)`);
		}
	}
	const started = performance.now();
	const work: { label: 0 | 1; absolute: string; file: string }[] = [];
	const skipped: EmbedSkip[] = [];
	for (const { dir, label } of classes) {
		const listing = await listDataset(dir);
		// Files are recorded relative to the index, so the pair can be moved together with the crops.
		const relative = (file: string) =>
			path
				.relative(path.dirname(path.resolve(indexPath)), path.resolve(dir, file))
				.split(path.sep)
				.join('/');
		for (const file of listing.others) {
			skipped.push({ file: relative(file), code: 'NOT_AN_IMAGE', reason: 'not an image file' });
			output.warn(`skip  ${relative(file)}: not an image file [NOT_AN_IMAGE]`);
		}
		for (const file of listing.images)
			work.push({ label, absolute: path.resolve(dir, file), file: relative(file) });
	}
	if (work.length === 0) throw new CommandError('no face crops found: run npm run crop first');

	const engine = await loadCliEngine(output, options.embedder);
	const samples: EmbeddingSample[] = [];
	const vectors: Float32Array[] = [];
	const progress = output.progress('embed', work.length);
	try {
		for (const item of work) {
			progress.tick(item.file);
			const outcome = await embedFile(engine, item.absolute, output, item.file);
			if ('embedding' in outcome) {
				samples.push({ file: item.file, label: item.label });
				vectors.push(outcome.embedding);
			} else {
				skipped.push({ file: item.file, ...outcome });
				output.warn(`skip  ${item.file}: ${outcome.reason} [${outcome.code}]`);
			}
		}
	} finally {
		progress.stop();
	}
	const positives = samples.filter((s) => s.label === 1).length;
	const negatives = samples.length - positives;
	if (samples.length === 0) throw new CommandError('no face could be embedded: nothing written');
	const info = engine.info;
	const { vectorsPath } = await writeEmbeddings(indexPath, {
		embedder: { id: info.embedder, version: info.embedderVersion, size: info.embeddingSize },
		samples,
		vectors,
		createdAt: new Date().toISOString(),
		skipped
	});
	const durationMs = Math.round(performance.now() - started);
	output.info(
		`embed: ${samples.length} embeddings (${positives} me, ${negatives} not me), ${skipped.length} skipped, ` +
			`in ${formatDuration(durationMs)}; wrote ${indexPath} and ${vectorsPath}`
	);
	if (positives === 0 || negatives === 0)
		output.warn('warning: training needs both "me" and "not me" samples');
	return { index: indexPath, vectors: vectorsPath, samples, positives, negatives, skipped, durationMs };
}

async function embedFile(
	engine: FaceEngine,
	absolute: string,
	output: CliOutput,
	file: string
): Promise<{ embedding: Float32Array } | { code: string; reason: string }> {
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(await readFile(absolute));
	} catch (error) {
		return { code: 'UNREADABLE', reason: `cannot read the file: ${(error as Error).message}` };
	}
	try {
		const main = await embedMainFace(engine, await decodeImage(bytes));
		if (main.facesFound > 1)
			output.warn(`note  ${file}: ${main.facesFound} faces in the crop, used the main one`);
		return { embedding: main.embedding };
	} catch (error) {
		if (!isCoreError(error)) throw error;
		const reason = error.code === 'NO_FACE' ? 'no face detected in the crop' : error.message;
		return { code: error.code, reason };
	}
}

if (isEntryPoint(import.meta.url)) await runScript(main, USAGE);

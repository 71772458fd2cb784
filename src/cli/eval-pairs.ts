import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FaceEngine } from '../lib/core/face-engine';
import { DEFAULT_EMBEDDER, EMBEDDER_IDS, isEmbedderId, type EmbedderId } from '../lib/core/embedders';
import { isCoreError } from '../lib/core/errors';
import { equalErrorRate, kFoldAccuracy, rocAuc, tarAtFar } from '../lib/core/metrics';
import { accuracyOnGivenFolds, parsePairs, scorePairs, type VerificationPair } from './lib/pairs';
import { pickMainFace } from '../lib/core/pipeline';
import type { DetectedFace, PixelImage } from '../lib/core/types';
import { decodeImageFile } from '../lib/server/decode';
import { createServerEngine } from '../lib/server/node-engine';
import { parseCommand, parseNumberOption, usage, UsageError, type OptionSpecs } from './lib/args';
import { terminalOutput } from './lib/output';
import { CommandError, formatDuration, isEntryPoint, runScript, type CommandContext } from './lib/run';

const SPECS = {
	images: {
		type: 'string',
		env: 'FACES_DIR',
		default: '../shared/data/faces',
		description: 'folder the pair paths are relative to'
	},
	pairs: {
		type: 'string',
		description: 'LFW pairs.txt or CSV file_a,file_b,same (default <images>/pairs.csv)'
	},
	embedder: {
		type: 'string',
		default: DEFAULT_EMBEDDER,
		description: `embedder id, comma-separated ids, or "all" (${EMBEDDER_IDS.join(', ')})`
	},
	folds: {
		type: 'string',
		default: '10',
		description: 'folds for k-fold accuracy when the file defines none'
	},
	seed: { type: 'string', default: '42', description: 'seed of the fold assignment' },
	json: { type: 'string', description: 'also write the results as JSON to this file' }
} satisfies OptionSpecs;

export const USAGE = usage(
	'eval:pairs',
	'Face verification on a list of pairs: embeds every distinct image once (its main face) and reports\n' +
		'k-fold accuracy (threshold chosen on the other folds), AUC, EER, TAR at FAR 1e-2 and 1e-3 per embedder.\n' +
		'A pair with an image where no face was found scores -1 (it counts as "cannot verify").',
	SPECS
);

export interface EmbedderResult {
	embedder: string;
	embedderVersion: string;
	imagesWithoutFace: number;
	pairsWithoutFace: number;
	accuracy: { mean: number; std: number; folds: number };
	auc: number;
	eer: number;
	tarAtFar1e2: number;
	tarAtFar1e3: number;
	/** Mean embedding time per image (alignment + network), excluding decode and detection. */
	msPerImage: number;
}

export interface PairsReport {
	images: string;
	pairsFile: string;
	pairs: number;
	distinctImages: number;
	unreadableImages: string[];
	imagesWithoutFace: string[];
	/** Mean detection time per image, shared by every embedder. */
	detectMsPerImage: number;
	results: EmbedderResult[];
}

function parseEmbedders(value: string): EmbedderId[] {
	if (value === 'all') return [...EMBEDDER_IDS];
	const ids = value.split(',').map((v) => v.trim());
	for (const id of ids) {
		if (!isEmbedderId(id))
			throw new UsageError(`--embedder must be "all" or ids from ${EMBEDDER_IDS.join(', ')}, got "${id}"`);
	}
	return ids as EmbedderId[];
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function formatTable(results: EmbedderResult[]): string[] {
	const head = ['embedder', 'no face', 'accuracy', 'AUC', 'EER', 'TAR@1e-2', 'TAR@1e-3', 'ms/img'];
	const rows = results.map((r) => [
		r.embedder,
		String(r.imagesWithoutFace),
		`${pct(r.accuracy.mean)} ± ${pct(r.accuracy.std)}`,
		r.auc.toFixed(4),
		pct(r.eer),
		pct(r.tarAtFar1e2),
		pct(r.tarAtFar1e3),
		r.msPerImage.toFixed(1)
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

export async function main(argv: string[], context: CommandContext = {}): Promise<PairsReport | null> {
	const output = context.output ?? terminalOutput();
	const { options, help } = parseCommand(argv, SPECS, context.env);
	if (help) {
		output.info(USAGE);
		return null;
	}
	const embedders = parseEmbedders(options.embedder);
	const folds = parseNumberOption(options.folds, 'folds', { integer: true, min: 2 });
	const seed = parseNumberOption(options.seed, 'seed', { integer: true });
	const imagesDir = path.resolve(options.images);
	const pairsFile = path.resolve(options.pairs ?? path.join(imagesDir, 'pairs.csv'));
	let pairs: VerificationPair[];
	try {
		pairs = parsePairs(await readFile(pairsFile, 'utf8'));
	} catch (error) {
		if (isCoreError(error)) throw error;
		throw new CommandError(`cannot read pairs file ${pairsFile}: ${(error as Error).message}`);
	}
	if (!pairs.some((p) => p.same) || !pairs.some((p) => !p.same)) {
		throw new CommandError('the pairs file needs both same-person and different-person pairs');
	}
	const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
	output.info(
		`${pairs.length} pairs over ${files.length} images in ${imagesDir}; embedders: ${embedders.join(', ')}`
	);

	const started = performance.now();
	const engines: FaceEngine[] = [];
	for (const id of embedders) engines.push(await createServerEngine({ embedder: id }));
	const detector = engines[0];
	const embeddings = embedders.map(() => new Map<string, Float32Array | null>());
	const embedMs = embedders.map(() => 0);
	let detectMs = 0;
	let embedded = 0;
	const unreadable: string[] = [];
	const noFace: string[] = [];
	const progress = output.progress('embed', files.length);
	for (const file of files) {
		let image: PixelImage;
		try {
			image = await decodeImageFile(path.join(imagesDir, file));
		} catch (error) {
			unreadable.push(file);
			output.warn(`skip  ${file}: ${(error as Error).message}`);
			embeddings.forEach((m) => m.set(file, null));
			progress.tick(file);
			continue;
		}
		// Detection does not depend on the embedder: run it once and hand the face to every engine.
		let t = performance.now();
		const faces = await detector.detect(image);
		detectMs += performance.now() - t;
		let face: DetectedFace | null = null;
		if (faces.length > 0) face = pickMainFace(faces, image);
		else noFace.push(file);
		for (let k = 0; k < engines.length; k++) {
			if (!face) {
				embeddings[k].set(file, null);
				continue;
			}
			t = performance.now();
			embeddings[k].set(file, await engines[k].embed(image, face));
			embedMs[k] += performance.now() - t;
		}
		if (face) embedded++;
		progress.tick(file);
	}
	progress.stop();
	for (const engine of engines) await engine.dispose();

	const givenFolds = pairs.every((p) => p.fold !== undefined) ? pairs.map((p) => p.fold as number) : null;
	const results: EmbedderResult[] = engines.map((engine, k) => {
		const { scores, labels, pairsWithoutFace } = scorePairs(pairs, (f) => embeddings[k].get(f) ?? null);
		const accuracy =
			givenFolds && new Set(givenFolds).size > 1
				? { ...accuracyOnGivenFolds(scores, labels, givenFolds), folds: new Set(givenFolds).size }
				: { ...kFoldAccuracy(scores, labels, folds, seed), folds };
		return {
			embedder: engine.info.embedder,
			embedderVersion: engine.info.embedderVersion,
			imagesWithoutFace: noFace.length + unreadable.length,
			pairsWithoutFace,
			accuracy: { mean: accuracy.mean, std: accuracy.std, folds: accuracy.folds },
			auc: rocAuc(scores, labels),
			eer: equalErrorRate(scores, labels).eer,
			tarAtFar1e2: tarAtFar(scores, labels, 1e-2).tar,
			tarAtFar1e3: tarAtFar(scores, labels, 1e-3).tar,
			msPerImage: embedded > 0 ? embedMs[k] / embedded : 0
		};
	});
	const report: PairsReport = {
		images: imagesDir,
		pairsFile,
		pairs: pairs.length,
		distinctImages: files.length,
		unreadableImages: unreadable,
		imagesWithoutFace: noFace,
		detectMsPerImage: files.length > unreadable.length ? detectMs / (files.length - unreadable.length) : 0,
		results
	};
	for (const line of formatTable(results)) output.info(line);
	output.info(
		`no face in ${noFace.length} of ${files.length} images${noFace.length ? ` (${noFace.join(', ')})` : ''}; ` +
			`${report.detectMsPerImage.toFixed(1)} ms/image detection; done in ${formatDuration(performance.now() - started)}`
	);
	if (options.json) {
		await mkdir(path.dirname(path.resolve(options.json)), { recursive: true });
		await writeFile(options.json, `${JSON.stringify(report, null, '\t')}\n`);
		output.info(`wrote ${options.json}`);
	}
	return report;
}

if (isEntryPoint(import.meta.url)) await runScript(main, USAGE);

import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as crop, type CropRun } from '../src/cli/crop';
import { main as embed } from '../src/cli/embed';
import { main as evaluate, REPORT_FILES } from '../src/cli/evaluate';
import { collectingOutput, type CollectedOutput } from '../src/cli/lib/output';
import { main as train } from '../src/cli/train';
import { readEmbeddings } from '../src/cli/lib/embeddings-file';
import { parseModelFile } from '../src/lib/core/classifier/model-file';
import { embedMainFace } from '../src/lib/core/pipeline';
import { createApiKey } from '../src/lib/server/auth/api-keys';
import { readConfig } from '../src/lib/server/config';
import { openConfiguredStore } from '../src/lib/server/db/database';
import type { Store } from '../src/lib/server/db/store';
import { createServices, type Services } from '../src/lib/server/services';
import { POST as verifyRoute } from '../src/routes/(app)/verify/+server';
import { decodeImageFile } from '../src/lib/server/decode';
import { engineFor } from '../src/lib/server/node-engine';
import type { EvaluationReport } from '../src/cli/lib/report';
import { facePath, REPO_ROOT } from './helpers/faces';
import { heldOutMe, ME, photosOf } from './helpers/model';

/**
 * The four pipeline commands on a throw-away data folder, in-process (one engine load):
 * "me" = John_Simm minus two held-out photos; "not me" = the other Johns, the unknown/ strangers and
 * some BBT crops, plus files that must be skipped with a reason.
 */
const NOT_ME_IDENTITIES = ['John_Salley', 'John_Savage', 'John_Schneider', 'John_Shimkus', 'unknown'];
const BBT = ['amy/amy1.png', 'penny/penny2.png', 'raj/raj3.png', 'howard/howard1.png'];

let root: string;
let env: NodeJS.ProcessEnv;
let output: CollectedOutput;
let cropRuns: CropRun[];
const timings: Record<string, number> = {};

async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
	const started = performance.now();
	const result = await run();
	timings[name] = Math.round(performance.now() - started);
	return result;
}

beforeAll(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'me-verifier-pipeline-'));
	const me = path.join(root, 'data', 'me');
	const notMe = path.join(root, 'data', 'not_me');
	await mkdir(me, { recursive: true });
	await mkdir(notMe, { recursive: true });
	const held = new Set(heldOutMe());
	for (const file of photosOf(ME).filter((f) => !held.has(f))) {
		await copyFile(facePath(file), path.join(me, path.basename(file)));
	}
	for (const file of [...NOT_ME_IDENTITIES.flatMap(photosOf), ...BBT]) {
		// Prefix with the identity: different folders reuse file names.
		await copyFile(facePath(file), path.join(notMe, file.replace('/', '_')));
	}
	await copyFile(facePath('noface/coffee.png'), path.join(notMe, 'coffee.png'));
	await writeFile(path.join(notMe, 'renamed-text.jpg'), 'this is not a photo\n');
	await writeFile(path.join(me, 'notes.txt'), 'not an image\n');
	// Defaults come from the environment here, as a user's DATA_DIR / REPORTS_DIR / MODEL_PATH would.
	env = {
		DATA_DIR: path.join(root, 'data'),
		REPORTS_DIR: path.join(root, 'reports'),
		MODEL_PATH: path.join(root, 'models', 'model.json')
	};
	output = collectingOutput();
	store = await openConfiguredStore(readConfig({ ...process.env, DB_PATH: path.join(root, 'server.db') }));
	apiKey = (await createApiKey(store, 'pipeline test', ['verify'])).key;
	await engineFor();
	cropRuns = await timed('crop', () => crop([], { output, env }));
	await timed('embed', () => embed([], { output, env }));
	await timed('train', () => train(['--threshold-method', 'best_f1', '--seed', '42'], { output, env }));
	await timed('evaluate', () => evaluate([], { output, env }));
	console.info(`pipeline timings (ms, engine already loaded): ${JSON.stringify(timings)}`);
}, 300_000);

afterAll(async () => {
	await store?.close();
	if (root) await rm(root, { recursive: true, force: true });
});

/** The server's database (a throw-away file) and the services of the server `withModel` runs. */
let store: Store | null = null;
let services: Services | null = null;

/** Runs `run` against services with MODEL_PATH pointing at `modelPath`, as a server started on that model would. */
async function withModel<T>(modelPath: string, run: () => Promise<T>): Promise<T> {
	const config = readConfig({ ...process.env, DB_PATH: path.join(root, 'server.db'), MODEL_PATH: modelPath });
	services = await createServices(config, { store: store! });
	try {
		return await run();
	} finally {
		services = null;
	}
}

const readJson = async <T = Record<string, unknown>>(file: string): Promise<T> =>
	JSON.parse(await readFile(path.join(root, file), 'utf8')) as T;

/** An operator key with the `verify` scope in a throw-away database: /verify needs one. */
let apiKey = '';

interface VerifyAnswer {
	is_me: boolean;
	score: number;
	model_version: string;
	mode: string;
	threshold: number;
	far_estimate: number | null;
}

async function postVerify(file: string): Promise<VerifyAnswer> {
	const body = new FormData();
	body.append('image', new Blob([new Uint8Array(await readFile(facePath(file)))]), path.basename(file));
	const request = new Request('http://localhost/verify', {
		method: 'POST',
		body,
		headers: { 'x-api-key': apiKey }
	});
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	const response = await verifyRoute({ request, locals: { services } } as any);
	expect(response.status, file).toBe(200);
	return response.json();
}

describe('pipeline commands', () => {
	it('crops every photo with a face and logs each skipped file with its reason', async () => {
		const [meRun, notMeRun] = cropRuns;
		expect(meRun.written).toHaveLength(photosOf(ME).length - 2);
		expect(meRun.skipped).toEqual([expect.objectContaining({ file: 'notes.txt', code: 'NOT_AN_IMAGE' })]);
		const skipped = Object.fromEntries(notMeRun.skipped.map((s) => [s.file, s.code]));
		expect(skipped).toEqual({ 'coffee.png': 'NO_FACE', 'renamed-text.jpg': 'UNSUPPORTED_FORMAT' });
		expect(output.warnings.some((line) => line.startsWith('skip  coffee.png: no face detected'))).toBe(true);
		expect(output.warnings.some((line) => line.startsWith('skip  renamed-text.jpg:'))).toBe(true);

		const log = await readJson<{ skipped: { file: string; reason: string }[] }>('reports/crop-not_me.json');
		expect(log.skipped.map((s) => s.file).sort()).toEqual(['coffee.png', 'renamed-text.jpg']);
		for (const entry of log.skipped) expect(entry.reason.length).toBeGreaterThan(5);

		const crop0 = path.join(root, 'data', 'cropped', 'me', meRun.written[0].output);
		const meta = await sharp(crop0).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 224, 224]);
	});

	it('writes embeddings with labels, file names and the embedder', async () => {
		const set = await readEmbeddings(path.join(root, 'data', 'embeddings.json'));
		const engine = await engineFor();
		expect(set.embedder).toEqual({
			id: engine.info.embedder,
			version: engine.info.embedderVersion,
			size: engine.info.embeddingSize
		});
		const written = cropRuns[0].written.length + cropRuns[1].written.length;
		expect(set.samples.length + set.skipped.length).toBe(written);
		expect(set.samples.filter((s) => s.label === 1).length).toBeGreaterThanOrEqual(8);
		expect(set.samples.every((s) => s.file.startsWith('cropped/'))).toBe(true);
		expect(set.vectors[0]).toHaveLength(engine.info.embeddingSize);
	});

	it('trains a model file the server accepts, and writes the training metrics', async () => {
		const engine = await engineFor();
		const model = parseModelFile(await readFile(env.MODEL_PATH!, 'utf8'), {
			embedder: engine.info.embedder,
			embedderVersion: engine.info.embedderVersion
		});
		expect(model.training.seed).toBe(42);
		expect(model.threshold.method).toBe('best_f1');
		const metrics = await readJson<{
			metrics: { roc_auc: number; accuracy: number };
			split: { validation: number };
		}>('reports/metrics.json');
		expect(metrics.metrics.roc_auc).toBeGreaterThan(0.9);
		expect(metrics.split.validation).toBe(model.training.split.validation);

		// Photos the pipeline never saw, through POST /verify on the model file `train` wrote.
		await withModel(env.MODEL_PATH!, async () => {
			for (const file of heldOutMe()) {
				const result = await postVerify(file);
				expect(result.is_me, `${file} score ${result.score}`).toBe(true);
				expect(result.model_version).toBe(model.model_version);
				expect(result.mode).toBe('logistic');
			}
			const stranger = await postVerify('Barack_Obama/obama1.jpg');
			expect(stranger.is_me, `stranger score ${stranger.score}`).toBe(false);
		});
	});

	it('evaluates: metrics with AUC above 0.9, threshold analysis, per-file scores and charts', async () => {
		const evaluation = await readJson<EvaluationReport>('reports/evaluation.json');
		expect(evaluation.metrics.roc_auc).toBeGreaterThan(0.9);
		expect(evaluation.metrics.samples).toBe(evaluation.split.validation_size);
		const ta = evaluation.threshold_analysis;
		for (const t of [ta.optimal_threshold_f1, ta.optimal_threshold_youden, ta.optimal_threshold_eer]) {
			expect(t).toBeGreaterThan(0);
			expect(t).toBeLessThan(1);
		}
		expect(ta.at_optimal_f1.f1).toBeGreaterThanOrEqual(ta.at_model_threshold.f1 - 1e-12);
		expect(ta.table).toHaveLength(21);
		expect(evaluation.per_file).toHaveLength(evaluation.embeddings.samples);
		expect(evaluation.per_file.filter((f) => f.split === 'validation')).toHaveLength(
			evaluation.split.validation_size
		);
		for (const f of evaluation.per_file) {
			expect(f.score).toBeGreaterThanOrEqual(0);
			expect(f.score).toBeLessThanOrEqual(1);
		}
		for (const name of [
			REPORT_FILES.roc,
			REPORT_FILES.pr,
			REPORT_FILES.confusionMatrix,
			REPORT_FILES.scoreHistogram
		]) {
			const svg = await readFile(path.join(root, 'reports', name), 'utf8');
			expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), name).toBe(true);
		}
		const html = await readFile(path.join(root, 'reports', REPORT_FILES.html), 'utf8');
		expect(html).toContain('<!doctype html>');
		expect(html.match(/<svg /g)).toHaveLength(4);
		expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // opens offline
	});

	it('crops an EXIF-rotated photo upright (explicit --input/--output)', async () => {
		const input = path.join(root, 'exif');
		await mkdir(input);
		const source = facePath('Barack_Obama/obama2.jpg');
		await copyFile(source, path.join(input, 'upright.jpg'));
		// Stored turned a quarter left, with orientation 6 ("turn right to display"): viewers show it upright.
		await sharp(source).rotate(270).withMetadata({ orientation: 6 }).toFile(path.join(input, 'sideways.jpg'));
		const out = path.join(root, 'exif-cropped');
		const [run] = await crop(['--input', input, '--output', out, '--format', 'png'], { output, env });
		expect(run.written.map((w) => w.output).sort()).toEqual(['sideways.png', 'upright.png']);
		expect((await stat(path.join(env.REPORTS_DIR!, 'crop-exif-cropped.json'))).isFile()).toBe(true);
		const engine = await engineFor();
		const [a, b] = await Promise.all(
			['upright.png', 'sideways.png'].map(
				async (f) => (await embedMainFace(engine, await decodeImageFile(path.join(out, f)))).embedding
			)
		);
		const cosine = a.reduce((sum, v, i) => sum + v * b[i], 0);
		expect(cosine).toBeGreaterThan(0.95);
	});

	it('runs as a script: usage on --help, status 2 on a bad flag, evaluate end to end', () => {
		const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
		const run = (args: string[]) =>
			spawnSync(tsx, args, {
				cwd: REPO_ROOT,
				env: { ...process.env, ...env },
				encoding: 'utf8',
				timeout: 60_000
			});
		const help = run(['src/cli/train.ts', '--help']);
		expect(help.status).toBe(0);
		expect(help.stdout).toContain('--threshold-method');
		const bad = run(['src/cli/crop.ts', '--no-such-flag']);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toContain("Unknown option '--no-such-flag'");
		const evaluated = run(['src/cli/evaluate.ts']);
		expect(evaluated.status, evaluated.stderr).toBe(0);
		expect(evaluated.stdout).toContain('evaluate: wrote');
	});
});

describe('no "not me" photos: template mode', () => {
	it('trains a calibrated template from "me" alone, and POST /verify reads it', async () => {
		const templateEnv = {
			...env,
			DATA_DIR: path.join(root, 'template-data'),
			MODEL_PATH: path.join(root, 'models', 'template.json'),
			REPORTS_DIR: path.join(root, 'template-reports')
		};
		const held = new Set(heldOutMe());
		await mkdir(path.join(templateEnv.DATA_DIR, 'me'), { recursive: true });
		await mkdir(path.join(templateEnv.DATA_DIR, 'not_me'), { recursive: true });
		for (const file of photosOf(ME).filter((f) => !held.has(f))) {
			await copyFile(facePath(file), path.join(templateEnv.DATA_DIR, 'me', path.basename(file)));
		}
		const out = collectingOutput();
		await crop([], { output: out, env: templateEnv });
		await embed([], { output: out, env: templateEnv });
		const trained = await train([], { output: out, env: templateEnv });
		const engine = await engineFor();
		const model = parseModelFile(await readFile(templateEnv.MODEL_PATH, 'utf8'), {
			embedder: engine.info.embedder,
			embedderVersion: engine.info.embedderVersion
		});
		expect(trained?.model.mode).toBe('template');
		expect(model.mode).toBe('template');
		expect(model.threshold).toMatchObject({ method: 'target_far', target_far: 1e-3 });
		expect(out.lines.some((l) => /FAR 1e-4: threshold/.test(l))).toBe(true);
		const evaluated = await evaluate([], { output: out, env: templateEnv });
		expect(evaluated?.files).toEqual([path.join(templateEnv.REPORTS_DIR, 'evaluation.json')]);

		await withModel(templateEnv.MODEL_PATH, async () => {
			for (const file of heldOutMe()) {
				const result = await postVerify(file);
				expect(result.is_me, `${file} score ${result.score}`).toBe(true);
				expect(result).toMatchObject({ mode: 'template', far_estimate: 1e-3 });
			}
			for (const stranger of ['Barack_Obama/obama1.jpg', 'John_Salley/000200_02159354.jpg']) {
				const result = await postVerify(stranger);
				expect(result.is_me, `${stranger} score ${result.score}`).toBe(false);
			}
		});
	});
});

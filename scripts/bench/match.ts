// npm run bench:match: the 1:N match step alone, on synthetic unit vectors (timing does not depend on faces).
// For each gallery size: p50/p95 per query on one core, and memory per template. BENCH_MATCH_SIZES (comma list),
// BENCH_DIM (128 = the default embedder), BENCH_QUERIES override. Each size is timed with the WebAssembly SIMD
// kernel and with the plain JavaScript loop; --legacy also times the list of templates
// scored one by one and sorted (the matcher before the matrix) up to 100,000.
import { performance } from 'node:perf_hooks';
import { buildTemplate, GalleryMatrix, matchFace, type PersonTemplate } from '../../src/lib/core/gallery';
import { createRng, gaussian } from '../../src/lib/core/random';

const sizes = (process.env.BENCH_MATCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const dim = Number(process.env.BENCH_DIM ?? 128);
const queries = Number(process.env.BENCH_QUERIES ?? 200);
const legacy = process.argv.includes('--legacy');
// The JavaScript loop needs a second copy of the matrix: skipped above this size to spare memory.
const jsMax = Number(process.env.BENCH_JS_MAX ?? 100_000);
const policy = { threshold: 0.961, margin: 0.03, strategy: 'centroid' as const };

function unit(rng: () => number): Float32Array {
	const v = Float32Array.from({ length: dim }, () => gaussian(rng));
	const n = Math.hypot(...v);
	for (let i = 0; i < dim; i++) v[i] /= n;
	return v;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function time(run: () => void, count: number): { p50: number; p95: number } {
	for (let i = 0; i < Math.min(5, count); i++) run(); // warm up the JIT
	const ms: number[] = [];
	for (let i = 0; i < count; i++) {
		const t = performance.now();
		run();
		ms.push(performance.now() - t);
	}
	ms.sort((a, b) => a - b);
	return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

function rss(): number {
	globalThis.gc?.();
	return process.memoryUsage().rss;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const cell = (t: { p50: number; p95: number }) => `${t.p50.toFixed(3)} / ${t.p95.toFixed(3)} ms`;
console.log(`1:N match step, ${dim}-D unit vectors, centroid strategy, one core (Node ${process.version})`);
console.log(
	'| templates | WebAssembly SIMD p50 / p95 | JavaScript loop p50 / p95 |' +
		(legacy ? ' list of templates, sorted |' : '') +
		' memory / template (RSS) | matrix / template |'
);
console.log('| --- | --- | --- |' + (legacy ? ' --- |' : '') + ' --- | --- |');
for (const size of sizes) {
	const rng = createRng(size);
	const probes = Array.from({ length: 32 }, () => unit(rng));
	const count = size >= 1_000_000 ? Math.min(queries, 50) : queries;
	let q = 0;
	const before = rss();
	const matrix = new GalleryMatrix(dim, size);
	for (let i = 0; i < size; i++) matrix.setCentroid(`person-${i}`, `Person ${i}`, unit(createRng(i)));
	const perTemplate = (rss() - before) / size;
	const simd = time(() => void matchFace(probes[q++ % probes.length], matrix, policy), count);
	// The same rows without the kernel: the plain JavaScript loop (browsers or runtimes without SIMD).
	let jsCell = '–';
	let plain: GalleryMatrix | null = null;
	if (size <= jsMax) {
		plain = new GalleryMatrix(dim, size, { simd: false });
		for (let i = 0; i < size; i++) plain.setCentroid(`person-${i}`, `Person ${i}`, unit(createRng(i)));
		jsCell = cell(
			time(() => void matchFace(probes[q++ % probes.length], plain!, policy), Math.min(count, 50))
		);
	}
	let legacyCell = '';
	if (legacy && plain && size <= 100_000) {
		const list: PersonTemplate[] = plain.toTemplates().map((t) => buildTemplate(t.id, t.name, [t.centroid]));
		legacyCell = ` ${cell(time(() => void matchFace(probes[q++ % probes.length], list, policy), 20))} |`;
	} else if (legacy) legacyCell = ' – |';
	console.log(
		`| ${fmt(size)} | ${cell(simd)} | ${jsCell} |${legacyCell} ${Math.round(perTemplate)} B | ${matrix.matrixBytes / size} B |`
	);
}

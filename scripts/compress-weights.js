// adapter-node precompresses only text-like files (.js, .json, .wasm, ...), so the face models' weight files
// (.bin) went out uncompressed. They shrink too: blazeface's float32 weights by half, the dlib ResNet's by about
// 40 %. This wraps the adapter so its build also writes .br and .gz copies of every .bin under models/, which
// its static server then serves to clients that accept them (the service worker's fetches included).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
/** Compressed copies by content hash: a rebuild with unchanged weights costs nothing (brotli takes ~10 s). */
const CACHE = path.resolve('node_modules/.cache/me-verifier-weights');

/** @param {string} dir @param {string} [prefix] @returns {string[]} paths relative to `dir` */
function binFiles(dir, prefix = '') {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const relative = path.posix.join(prefix, entry.name);
		if (entry.isDirectory()) return binFiles(path.join(dir, entry.name), relative);
		return entry.name.endsWith('.bin') ? [relative] : [];
	});
}

/** @param {Buffer} bytes @returns {Promise<{ br: Buffer, gz: Buffer }>} */
async function compressed(bytes) {
	const key = createHash('sha256').update(bytes).digest('hex');
	const [brFile, gzFile] = [`${key}.br`, `${key}.gz`].map((f) => path.join(CACHE, f));
	if (existsSync(brFile) && existsSync(gzFile)) return { br: readFileSync(brFile), gz: readFileSync(gzFile) };
	const [br, gz] = await Promise.all([
		// Quality 10: the same size as 11 on these weights in two thirds of the time.
		brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 10 } }),
		gzip(bytes, { level: zlib.constants.Z_BEST_COMPRESSION })
	]);
	mkdirSync(CACHE, { recursive: true });
	writeFileSync(brFile, br);
	writeFileSync(gzFile, gz);
	return { br, gz };
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every .bin under `dir/models`; returns them relative to `dir`, as
 * the builder's own compress() does, so the adapter records the variants in its file table.
 * @param {string} dir
 */
export async function compressWeights(dir) {
	const files = binFiles(path.join(dir, 'models'), 'models');
	for (const file of files) {
		const absolute = path.join(dir, file);
		const { br, gz } = await compressed(readFileSync(absolute));
		writeFileSync(`${absolute}.br`, br);
		writeFileSync(`${absolute}.gz`, gz);
	}
	return files;
}

/**
 * The adapter, with compress() also covering the weights.
 * @param {import('@sveltejs/kit').Adapter} adapter
 * @returns {import('@sveltejs/kit').Adapter}
 */
export function withCompressedWeights(adapter) {
	return {
		...adapter,
		adapt(builder) {
			const compress = builder.compress.bind(builder);
			builder.compress = async (dir) => [...(await compress(dir)), ...(await compressWeights(dir))];
			return adapter.adapt(builder);
		}
	};
}

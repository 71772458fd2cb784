import { CoreError } from '../../lib/core/errors';
import { cosine } from '../../lib/core/gallery';
import { bestAccuracyThreshold } from '../../lib/core/metrics';

/** One verification pair; paths are relative to the image folder, `fold` only when the file defines folds. */
export interface VerificationPair {
	a: string;
	b: string;
	same: boolean;
	fold?: number;
}

/** LFW's file naming: Name/Name_0001.jpg. */
export function lfwImagePath(name: string, index: number): string {
	return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

function lines(text: string): string[] {
	return text
		.replace(/^\uFEFF/, '')
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter((l) => l.length > 0);
}

function imageIndex(value: string, lineNo: number): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1)
		throw new CoreError('BAD_REQUEST', `pairs line ${lineNo}: bad image number "${value}"`);
	return n;
}

/**
 * LFW pairs.txt: a header "folds n" (or just "n" for one fold, as in pairsDevTrain.txt), then per fold
 * n matched lines "name i j" followed by n mismatched lines "name1 i name2 j".
 */
export function parseLfwPairs(text: string): VerificationPair[] {
	const rows = lines(text);
	if (rows.length === 0) throw new CoreError('BAD_REQUEST', 'pairs file is empty');
	const header = rows[0].split(/\s+/).map(Number);
	if (header.length > 2 || header.some((v) => !Number.isInteger(v) || v < 1)) {
		throw new CoreError('BAD_REQUEST', `LFW pairs header must be "folds pairs" or "pairs", got "${rows[0]}"`);
	}
	const [folds, perClass] = header.length === 2 ? header : [1, header[0]];
	const expected = 1 + folds * perClass * 2;
	if (rows.length !== expected) {
		throw new CoreError(
			'BAD_REQUEST',
			`LFW pairs file should have ${expected} lines for ${folds}x${perClass}x2 pairs, has ${rows.length}`
		);
	}
	const pairs: VerificationPair[] = [];
	for (let k = 1; k < rows.length; k++) {
		const fold = Math.floor((k - 1) / (perClass * 2));
		const matched = (k - 1) % (perClass * 2) < perClass;
		const f = rows[k].split(/\s+/);
		const lineNo = k + 1;
		if (matched && f.length === 3) {
			pairs.push({
				a: lfwImagePath(f[0], imageIndex(f[1], lineNo)),
				b: lfwImagePath(f[0], imageIndex(f[2], lineNo)),
				same: true,
				fold
			});
		} else if (!matched && f.length === 4) {
			pairs.push({
				a: lfwImagePath(f[0], imageIndex(f[1], lineNo)),
				b: lfwImagePath(f[2], imageIndex(f[3], lineNo)),
				same: false,
				fold
			});
		} else {
			const want = matched ? '"name i j"' : '"name1 i name2 j"';
			throw new CoreError('BAD_REQUEST', `pairs line ${lineNo}: expected ${want}, got "${rows[k]}"`);
		}
	}
	return pairs;
}

const TRUE = new Set(['1', 'true', 'yes', 'same']);
const FALSE = new Set(['0', 'false', 'no', 'different']);

/** CSV with a header naming file_a, file_b and same (1/0 or true/false), in any column order. */
export function parsePairsCsv(text: string): VerificationPair[] {
	const rows = lines(text);
	if (rows.length === 0) throw new CoreError('BAD_REQUEST', 'pairs file is empty');
	const header = rows[0].split(',').map((h) => h.trim().toLowerCase());
	const col = (name: string) => {
		const i = header.indexOf(name);
		if (i < 0)
			throw new CoreError('BAD_REQUEST', `pairs CSV header lacks "${name}" (need file_a,file_b,same)`);
		return i;
	};
	const [ia, ib, is] = [col('file_a'), col('file_b'), col('same')];
	return rows.slice(1).map((row, k) => {
		const f = row.split(',').map((v) => v.trim());
		const label = (f[is] ?? '').toLowerCase();
		if (!f[ia] || !f[ib] || !(TRUE.has(label) || FALSE.has(label))) {
			throw new CoreError(
				'BAD_REQUEST',
				`pairs CSV line ${k + 2}: expected file_a,file_b,same, got "${row}"`
			);
		}
		return { a: f[ia], b: f[ib], same: TRUE.has(label) };
	});
}

/** Either format, told apart by the first line (a CSV header names its columns). */
export function parsePairs(text: string): VerificationPair[] {
	const first = lines(text)[0] ?? '';
	return /^\d+(\s+\d+)?$/.test(first) ? parseLfwPairs(text) : parsePairsCsv(text);
}

/** Score given to a pair when either image had no face: the lowest cosine, i.e. "cannot verify". */
export const NO_FACE_SCORE = -1;

/**
 * Cosine per pair, labels 1 = same person. A pair with an image that gave no embedding scores
 * NO_FACE_SCORE, so a missed face counts against the method instead of silently leaving the test.
 */
export function scorePairs(
	pairs: readonly VerificationPair[],
	embeddingOf: (file: string) => ArrayLike<number> | null
): { scores: number[]; labels: number[]; pairsWithoutFace: number } {
	const scores: number[] = [];
	const labels: number[] = [];
	let pairsWithoutFace = 0;
	for (const pair of pairs) {
		const a = embeddingOf(pair.a);
		const b = embeddingOf(pair.b);
		if (a && b) scores.push(cosine(a, b));
		else {
			scores.push(NO_FACE_SCORE);
			pairsWithoutFace++;
		}
		labels.push(pair.same ? 1 : 0);
	}
	return { scores, labels, pairsWithoutFace };
}

/**
 * Accuracy on folds the pairs file defines (LFW's ten): each fold is judged with the best-accuracy
 * threshold of the other folds, as in LFW's protocol.
 */
export function accuracyOnGivenFolds(
	scores: readonly number[],
	labels: readonly number[],
	foldOf: readonly number[]
): { mean: number; std: number; perFold: number[] } {
	const folds = [...new Set(foldOf)].sort((x, y) => x - y);
	if (folds.length < 2) throw new CoreError('BAD_REQUEST', 'need at least two folds');
	const perFold = folds.map((fold) => {
		const fitScores: number[] = [];
		const fitLabels: number[] = [];
		foldOf.forEach((f, i) => {
			if (f !== fold) {
				fitScores.push(scores[i]);
				fitLabels.push(labels[i]);
			}
		});
		const threshold = bestAccuracyThreshold(fitScores, fitLabels);
		let correct = 0;
		let held = 0;
		foldOf.forEach((f, i) => {
			if (f !== fold) return;
			held++;
			if ((scores[i] >= threshold ? 1 : 0) === labels[i]) correct++;
		});
		return correct / held;
	});
	const mean = perFold.reduce((s, v) => s + v, 0) / perFold.length;
	const std = Math.sqrt(perFold.reduce((s, v) => s + (v - mean) ** 2, 0) / perFold.length);
	return { mean, std, perFold };
}

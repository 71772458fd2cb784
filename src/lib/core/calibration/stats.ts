/** Small statistics for calibration: thresholds at a target FAR, rates, and their confidence intervals. */

/** Wilson score interval (95 % by default) for k successes in n trials. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
	if (n === 0) return [0, 1];
	const p = k / n;
	const z2 = z * z;
	const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
	return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Upper 95 % bound for a rate when k events were seen in n trials; for k = 0 it is the "rule of three"
 * (3 / n), which the Wilson interval understates.
 */
export function upperBound(k: number, n: number): number {
	if (n === 0) return 1;
	if (k === 0) return Math.min(1, 3 / n);
	return wilson(k, n)[1];
}

/** Scores sorted ascending (a copy), the form every count below expects. */
export function sortedScores(values: ArrayLike<number>): Float64Array {
	return Float64Array.from(values).sort();
}

/** How many of the ascending `sorted` scores are >= t (binary search). */
export function countAtOrAbove(sorted: Float64Array, t: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid] < t) lo = mid + 1;
		else hi = mid;
	}
	return sorted.length - lo;
}

/**
 * The lowest threshold whose share of impostor scores at or above it is at most `far` (ascending input).
 * Scores are accepted when >= threshold, so the threshold sits just above the impostor it must refuse.
 */
export function thresholdAtFar(impostorsSorted: Float64Array, far: number): number {
	const n = impostorsSorted.length;
	if (n === 0) return -1;
	const allowed = Math.floor(far * n);
	if (allowed >= n) return impostorsSorted[0];
	const refused = impostorsSorted[n - 1 - allowed];
	// Ties: step just above the refused value so exactly it and everything below are refused.
	return nextUp(refused);
}

function nextUp(x: number): number {
	return x + Math.max(1e-9, Math.abs(x) * 1e-9);
}

export interface OperatingPoint {
	threshold: number;
	/** Accepted genuine comparisons. */
	tar: number;
	tarCi: [number, number];
	genuine: number;
	/** Accepted impostor comparisons. */
	far: number;
	farUpper: number;
	impostors: number;
	falseAccepts: number;
}

/** TAR and FAR of one threshold on given genuine and impostor scores (both ascending). */
export function operatingPoint(
	genuine: Float64Array,
	impostors: Float64Array,
	threshold: number
): OperatingPoint {
	const accepted = countAtOrAbove(genuine, threshold);
	const falseAccepts = countAtOrAbove(impostors, threshold);
	return {
		threshold,
		tar: genuine.length ? accepted / genuine.length : 0,
		tarCi: wilson(accepted, genuine.length),
		genuine: genuine.length,
		far: impostors.length ? falseAccepts / impostors.length : 0,
		farUpper: upperBound(falseAccepts, impostors.length),
		impostors: impostors.length,
		falseAccepts
	};
}

/** Best balanced accuracy over thresholds (genuine and impostor classes weighted equally). */
export function bestBalancedAccuracy(genuine: Float64Array, impostors: Float64Array): number {
	const all = [...Array.from(genuine, (s) => [s, 1]), ...Array.from(impostors, (s) => [s, 0])].sort(
		(a, b) => a[0] - b[0]
	);
	let g = 0; // genuine below the cut (rejected)
	let i = 0; // impostors below the cut (rejected)
	let best = 0.5;
	for (let k = 0; k < all.length; k++) {
		if (all[k][1] === 1) g++;
		else i++;
		if (k + 1 < all.length && all[k + 1][0] === all[k][0]) continue;
		const acc = 0.5 * ((genuine.length - g) / genuine.length + i / impostors.length);
		if (acc > best) best = acc;
	}
	return best;
}

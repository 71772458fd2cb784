/** Per-feature standardization, like sklearn's StandardScaler (population std, ddof = 0). */
export interface Scaler {
	mean: number[];
	/** Population standard deviation; 1 where it is 0, so constant features map to 0 instead of NaN. */
	scale: number[];
}

export function fitScaler(rows: ArrayLike<number>[]): Scaler {
	if (rows.length === 0) throw new RangeError('fitScaler needs at least one row');
	const dim = rows[0].length;
	const mean = new Float64Array(dim);
	for (const row of rows) {
		if (row.length !== dim) throw new RangeError(`row length ${row.length} differs from ${dim}`);
		for (let j = 0; j < dim; j++) mean[j] += row[j];
	}
	for (let j = 0; j < dim; j++) mean[j] /= rows.length;
	// Two-pass variance: accurate even when the mean is large compared to the spread.
	const variance = new Float64Array(dim);
	for (const row of rows) {
		for (let j = 0; j < dim; j++) {
			const d = row[j] - mean[j];
			variance[j] += d * d;
		}
	}
	const scale = Array.from(variance, (v, j) => {
		const std = Math.sqrt(v / rows.length);
		// Same guard as sklearn: a std lost in rounding noise counts as zero.
		return std <= 10 * Number.EPSILON * Math.max(1, Math.abs(mean[j])) ? 1 : std;
	});
	return { mean: Array.from(mean), scale };
}

export function applyScaler(scaler: Scaler, row: ArrayLike<number>): Float32Array {
	const dim = scaler.mean.length;
	if (row.length !== dim) throw new RangeError(`expected ${dim} features, got ${row.length}`);
	const out = new Float32Array(dim);
	for (let j = 0; j < dim; j++) out[j] = (row[j] - scaler.mean[j]) / scaler.scale[j];
	return out;
}

/** Small timing helpers shared by the benchmark scripts. */
export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index];
}

export function summarize(samples: number[]): { n: number; p50: number; p95: number; mean: number } {
	const sorted = [...samples].sort((a, b) => a - b);
	const mean = samples.reduce((s, v) => s + v, 0) / Math.max(1, samples.length);
	return { n: samples.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean };
}

export function fmt(ms: number): string {
	return ms.toFixed(1).padStart(8);
}

export function mb(bytes: number): string {
	return `${(bytes / 1048576).toFixed(0)} MB`;
}

export async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
	const start = performance.now();
	const result = await fn();
	return [result, performance.now() - start];
}

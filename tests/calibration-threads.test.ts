import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEmbedded } from '../src/cli/calibrate';
import { collectingOutput } from '../src/cli/lib/output';
import { REPO_ROOT } from './helpers/faces';

// The calibration set is embedded on every core (src/cli/lib/embed-threads.ts: one single-thread engine per
// thread, the whole flip pair on it). The shipped operating points come from those vectors, the server answers
// with its own engine (the mirror chip on a second thread): they must be the same numbers, bit for bit.

const CALIBRATION_DIR = path.resolve(
	process.env.CALIBRATION_DIR ?? path.join(REPO_ROOT, '../shared/data/calibration')
);

async function embed(threads: number) {
	const output = collectingOutput();
	const cache = mkdtempSync(path.join(tmpdir(), 'calibration-threads-'));
	const argv = [
		'--dir',
		CALIBRATION_DIR,
		'--identities',
		'6',
		'--cache',
		cache,
		'--threads',
		String(threads)
	];
	try {
		const loaded = await loadEmbedded(argv, { output, env: { ...process.env } });
		return { samples: loaded!.samples, lines: output.lines };
	} finally {
		rmSync(cache, { recursive: true, force: true });
	}
}

describe('calibrate --threads', () => {
	it('embeds every photo on two threads exactly as the one engine of the process does', async () => {
		const one = await embed(1);
		const two = await embed(2);
		expect(two.lines.some((l) => / on 2 threads/.test(l))).toBe(true);
		expect(one.lines.some((l) => / on \d+ threads/.test(l))).toBe(false);
		expect(two.samples.map((s) => s.file)).toEqual(one.samples.map((s) => s.file));
		expect(one.samples.filter((s) => s.vector).length).toBeGreaterThan(50);
		one.samples.forEach((s, i) => {
			const other = two.samples[i].vector;
			expect(other === null, s.file).toBe(s.vector === null);
			if (s.vector && other)
				expect(Buffer.from(other.buffer).equals(Buffer.from(s.vector.buffer)), s.file).toBe(true);
		});
	});
});

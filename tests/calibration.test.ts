import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/calibrate';
import { collectingOutput } from '../src/cli/lib/output';
import { calibrationFor, type CalibrationReport } from '../src/lib/core/calibration';
import { embedderMeta } from '../src/lib/core/embedders';
import { REPO_ROOT } from './helpers/faces';

// Recomputes every shipped operating point (src/lib/core/calibration/operating-points.ts) from the
// calibration set with the calibrate command's own code, and checks the shipped file holds exactly
// those numbers, and that they keep their promises on the held-out identities. Embeddings are cached
// in data/cache (about 5 minutes to compute on a fresh clone with two cores, seconds afterwards).

const CALIBRATION_DIR = path.resolve(
	process.env.CALIBRATION_DIR ?? path.join(REPO_ROOT, '../shared/data/calibration')
);
const EMBEDDER = 'dlib-resnet128';

let report: CalibrationReport;
let written: { embedderVersion: string };

beforeAll(async () => {
	const json = path.join(mkdtempSync(path.join(tmpdir(), 'calibration-')), 'report.json');
	const output = collectingOutput();
	const result = await main(['--dir', CALIBRATION_DIR, '--embedder', EMBEDDER, '--json', json], {
		output,
		env: { ...process.env }
	});
	if (!result) throw new Error('calibrate printed its help instead of running');
	report = result;
	written = JSON.parse(await readFile(json, 'utf8'));
	console.log(output.lines.filter((l) => l.startsWith('|') || l.startsWith('#')).join('\n'));
}, 45 * 60_000);

describe('calibrated operating points', () => {
	it('the shipped numbers are the ones the calibration set gives today', () => {
		const shipped = calibrationFor(EMBEDDER, embedderMeta(EMBEDDER).version);
		expect(shipped, 'no shipped calibration for the current embedder version').not.toBeNull();
		expect(written.embedderVersion).toBe(embedderMeta(EMBEDDER).version);
		const { embedder: _e, embedderVersion: _v, ...points } = shipped!;
		// Same targets, gallery sizes and margins; thresholds equal to their rounding step (a machine whose
		// WASM build picks other kernels may move a score in the 7th decimal).
		const got = report.operatingPoints;
		expect(got.verification.map((p) => p.far)).toEqual(points.verification.map((p) => p.far));
		got.verification.forEach((p, i) => expect(p.threshold).toBeCloseTo(points.verification[i].threshold, 3));
		expect({ ...got.identification, threshold: 0 }).toEqual({ ...points.identification, threshold: 0 });
		expect({ ...got.login, threshold: 0 }).toEqual({ ...points.login, threshold: 0 });
		expect(Math.abs(got.identification.threshold - points.identification.threshold)).toBeLessThanOrEqual(
			0.001
		);
		expect(Math.abs(got.login.threshold - points.login.threshold)).toBeLessThanOrEqual(0.001);
	});

	it('verification thresholds keep their FAR on identities they were not fitted on', () => {
		for (const row of report.heldOut) {
			for (const [group, point] of Object.entries(row.groups)) {
				// Within a factor 2 of the target: the held-out half is a different set of people.
				expect(point.far, `${group} at target ${row.targetFar}`).toBeLessThanOrEqual(2 * row.targetFar);
			}
		}
		const frontal = report.heldOut.find((r) => r.targetFar === 1e-3)!.groups['cfp-frontal'];
		expect(frontal.tar).toBeGreaterThan(0.95);
	});

	it('recognition and login stay within their false-positive targets on held-out people, naming nobody as someone else', () => {
		const { identification, login, options } = report;
		expect(identification.heldOut.fpirUpper).toBeLessThanOrEqual(options.targetFpir);
		expect(login.heldOut.fpirUpper).toBeLessThanOrEqual(options.loginTargetFar);
		expect(identification.heldOut.misidentified).toBe(0);
		expect(login.heldOut.misidentified).toBe(0);
		expect(identification.heldOut.strangers).toBeGreaterThan(10_000);
	});

	it('finds a face in nearly every frontal photo', () => {
		const frontal = report.acquisition.find((a) => a.group === 'cfp-frontal')!;
		expect(frontal.photos).toBeGreaterThan(3000);
		expect(frontal.noFace / frontal.photos).toBeLessThan(0.005);
	});
});

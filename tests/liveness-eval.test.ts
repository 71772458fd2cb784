import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type LivenessReport } from '../src/cli/eval-liveness';
import { collectingOutput } from '../src/cli/lib/output';
import type { FaceEngine } from '../src/lib/core/face-engine';
import { checkLiveness, sameFaceThreshold } from '../src/lib/core/liveness';
import { createServerEngine } from '../src/lib/server/node-engine';
import { readVideoFrames } from '../src/cli/liveness/video-frames';
import { LIVENESS_DIR } from './helpers/liveness-media';

/**
 * `npm run eval:liveness` on a slice of the shared liveness media (the whole set is the README's table): the
 * same core checks the server runs, on real clips and photos, with seeded random challenges.
 */

let dir: string;
let report: LivenessReport;
const json = () => path.join(dir, 'report.json');

beforeAll(async () => {
	dir = mkdtempSync(path.join(tmpdir(), 'liveness-eval-'));
	const pick: Record<string, string[]> = {
		bona_fide: ['tv_real.mp4', 'st_katiehill.mp4'],
		attack_replay: ['tv_fake.mp4', 'ls_fake.mp4'],
		attack_stills: ['F1_print.jpg', 'F2_screen.jpg']
	};
	for (const [folder, files] of Object.entries(pick)) {
		mkdirSync(path.join(dir, 'media', folder), { recursive: true });
		for (const f of files)
			symlinkSync(path.join(LIVENESS_DIR, folder, f), path.join(dir, 'media', folder, f));
	}
	const out = collectingOutput();
	const args = [
		'--dir',
		path.join(dir, 'media'),
		'--json',
		json(),
		'--replay-trials',
		'15',
		'--wobble-trials',
		'2'
	];
	report = (await main([...args, '--on-cue-stills', '2', '--on-cue-trials', '2'], { output: out }))!;
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval:liveness on real media', () => {
	it('accepts no attack: replays, held and waved stills, stills tilted on cue', () => {
		const attacks = report.rows.filter((r) => r.presentation !== 'bona_fide');
		expect(attacks.map((r) => r.presentation).sort()).toEqual(
			['print_still', 'replay', 'screen_still', 'still_on_cue', 'still_on_cue_poses', 'still_wobble'].sort()
		);
		for (const row of attacks) expect(row.accepted, row.presentation).toBe(0);
		expect(report.rows.find((r) => r.presentation === 'replay')!.attempts).toBe(30);
	});

	it('accepts the bona fide clips challenged with the movements they make', () => {
		const bona = report.attempts.filter((a) => a.presentation === 'bona_fide');
		expect(bona.map((a) => a.file).sort()).toEqual(['bona_fide/st_katiehill.mp4', 'bona_fide/tv_real.mp4']);
		for (const a of bona) expect(a.accepted, `${a.file}: ${a.failure}`).toBe(true);
		expect(bona.find((a) => a.file.endsWith('tv_real.mp4'))!.actions).toContain('look_up');
	});

	it('writes per-folder attempts and acceptances, and repeats exactly with the same seed', async () => {
		const written = JSON.parse(readFileSync(json(), 'utf8')) as LivenessReport;
		expect(written.folders.attack_replay).toEqual({ attempts: 30, accepted: 0 });
		expect(written.folders.bona_fide.accepted).toBe(2);
		expect(written.attempts.length).toBe(report.attempts.length);
	});
});

describe('identity continuity', () => {
	let engine: FaceEngine;
	beforeAll(async () => {
		engine = await createServerEngine();
	}, 120_000);
	afterAll(() => engine?.dispose());

	it('refuses a capture whose blink comes from another person filmed in the same place', async () => {
		// Two GRID speakers, same studio, same framing: the tracker cannot tell the cut, the faces can.
		const first = await readVideoFrames(path.join(LIVENESS_DIR, 'bona_fide/grid_lbax4n.mpg'), { fps: 10 });
		const second = await readVideoFrames(path.join(LIVENESS_DIR, 'bona_fide/grid_bbaf2n.mpg'), { fps: 10 });
		const frames = [...first.slice(0, 12), ...second].map((f, i) => ({ t: i * 100, image: f.image }));
		const own = [...first, ...first].map((f, i) => ({ t: i * 100, image: f.image }));
		const challenge = {
			nonce: 't',
			actions: ['blink' as const],
			stepMs: 6000,
			issuedAt: 0,
			expiresAt: Infinity
		};
		const options = { now: 10_000, sameFaceThreshold: sameFaceThreshold(engine.info), spotChecks: 4 };
		const spliced = await checkLiveness(engine, challenge, frames, options);
		expect(spliced.passed).toBe(false);
		expect(spliced.failure).toBe('identity_changed');
		const genuine = await checkLiveness(engine, challenge, own, options);
		expect(genuine.failure === 'identity_changed', `same person: ${genuine.minSameFace}`).toBe(false);
	}, 120_000);
});

/**
 * How busy the machine's cores are during a warm start (issue 12): is the start waiting on something, or short of
 * CPU? /proc/stat (all cores, the whole machine) is sampled every 5 ms while warm starts run as in `npm run
 * bench:load` (undriven, a profile that made a first visit of /enroll, `npm run build` first); per start, the share
 * of the cores busy from navigation to the engine-ready mark, and in each of the engine's steps (ENGINE_STAGE_MARKS).
 * Linux only; other work on the machine counts as busy too.
 *
 *   npx tsx scripts/experiments/cpu-during-start.ts [--runs=8]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBuiltServer } from '../../tests/helpers/server';
import { startByteCounter } from '../../tests/helpers/byte-counter';
import { launchProfile } from '../../tests/e2e/lib/browser';
import { ENGINE_STAGE_MARKS } from '../../src/lib/browser/engine-ready-mark';
import { firstVisit, type EngineStage } from '../../tests/e2e/lib/first-visit';
import { launchUndriven } from '../bench/undriven';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const RUNS = Number(args.runs ?? 8);
/** The engine's steps up to ready, in the order they happen (each from the mark before it). */
const STEPS = (Object.keys(ENGINE_STAGE_MARKS) as EngineStage[]).filter((stage) => stage !== 'meshWarm');

/** Busy and total jiffies of all cores (user, nice, system, idle, iowait, irq, softirq, steal). */
function cpuTicks(): { busy: number; total: number } {
	const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	const idle = line[3] + line[4];
	const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
	return { busy: total - idle, total };
}

async function main() {
	const tmp = mkdtempSync(path.join(tmpdir(), 'cpu-start-'));
	const server = await startBuiltServer({
		MODEL_PATH: path.join(tmp, 'none.json'),
		DB_PATH: path.join(tmp, 'people.db')
	});
	const counter = await startByteCounter(server.base);
	const profile = path.join(tmp, 'profile');
	const first = await launchProfile(profile);
	await firstVisit(first, counter, '/enroll', true);
	await first.close();
	const browser = await launchUndriven(profile);
	const samples: [number, number, number][] = [];
	const timer = setInterval(() => {
		const { busy, total } = cpuTicks();
		samples.push([performance.timeOrigin + performance.now(), busy, total]);
	}, 5);
	/** The share of all cores' time that was busy between two moments (this process's clock, ms since the epoch). */
	const busyShare = (from: number, to: number) => {
		const inside = samples.filter(([t]) => t >= from && t <= to);
		if (inside.length < 2) return NaN;
		const a = inside[0];
		const b = inside.at(-1)!;
		return (b[1] - a[1]) / (b[2] - a[2]);
	};
	try {
		for (let run = 0; run < RUNS; run++) {
			await new Promise((r) => setTimeout(r, 1500)); // the page before settles (its FaceMesh warm-up, its probe)
			// The navigation starts a few milliseconds after this: the page's own clock is not this process's.
			const t0 = performance.timeOrigin + performance.now();
			const { ready, stages } = await browser.warmStart(`${counter.base}/enroll`);
			let from = t0;
			const steps = STEPS.map((step) => {
				const at = stages[step];
				const to = at === undefined ? NaN : t0 + at;
				const line = `${step} ${Math.round(to - from)} ms ${Math.round(100 * busyShare(from, to))}%`;
				from = to;
				return line;
			});
			console.log(
				`run ${run + 1}: ready ${Math.round(ready)} ms, cores busy ${Math.round(100 * busyShare(t0, t0 + ready))}% | ${steps.join(' | ')}`
			);
		}
	} finally {
		clearInterval(timer);
		await browser.close();
		await counter.stop();
		await server.stop();
		rmSync(tmp, { recursive: true, force: true });
	}
}
main().catch((e) => {
	console.error(e);
	process.exit(1);
});

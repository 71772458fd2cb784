/**
 * Where a warm start's time goes, from a Chromium trace (issue 12). Tracing and Playwright slow the start down
 * (1.2-2.5 s instead of about 0.5-0.7): read the shares, not the totals; `npm run bench:load` gives the timings.
 *
 *   npx tsx scripts/experiments/trace-warm-start.ts [--runs=3] [--from=embedderLoaded] [--to=warm]
 *       [--events=REGEX] [--thread-cpu] [--dwell=300] [--js-flags='...'] [--no-sw]
 *
 * A first visit of /enroll on the production build (`npm run build` first), then warm starts under tracing. Between
 * two stage marks (ENGINE_STAGE_MARKS' keys), per thread:
 * - `profile`: self time per function from V8's sampling profiler (wasm-function[N] is tfjs' WASM by index);
 * - the time inside each trace event name (nested events overlap: the sums are not self time).
 * --events lists every trace event whose name matches, with its arguments (e.g. 'wasm|produce|consume' for code
 * caching); --thread-cpu prints the CPU time (user, system; 10 ms ticks) of every worker thread at ready.
 * --dwell keeps each page open that long after it is ready; --js-flags passes V8 flags; --no-sw blocks the service
 * worker (the files then come from the HTTP cache). With them, the WebAssembly code cache can be watched:
 * `--events='v8\.wasm\.' --dwell=6000` shows that V8 never hands Chromium tfjs' compiled module to cache (no
 * v8.wasm.compiledModule), with or without the service worker; `--js-flags=--wasm-caching-timeout-ms=0` makes it.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBuiltServer } from '../../tests/helpers/server';
import { startByteCounter } from '../../tests/helpers/byte-counter';
import { launchProfile } from '../../tests/e2e/lib/browser';
import { ENGINE_STAGE_MARKS } from '../../src/lib/browser/engine-ready-mark';
import { engineReadyMs, firstVisit, type EngineStage } from '../../tests/e2e/lib/first-visit';

const args: Record<string, string> = Object.fromEntries(
	process.argv.slice(2).map((a) => {
		const [key, value] = a.replace(/^--/, '').split('=');
		return [key, value ?? 'true'];
	})
);
const EVENTS = args.events ? new RegExp(args.events, 'i') : null;
/** Per thread of Chromium's processes (Linux /proc): worker threads, V8's compile threads, the page's. */
const THREAD_CPU = `for t in /proc/[0-9]*/task/*; do c=$(cat $t/comm 2>/dev/null); case "$c" in Dedicated*|ThreadPoolForeg*|CrRendererMain) echo "$t $c $(cut -d' ' -f14,15 $t/stat)";; esac; done`;
const RUNS = Number(args.runs ?? 3);
const FROM = (args.from ?? 'embedderLoaded') as EngineStage;
const TO = (args.to ?? 'warm') as EngineStage;
/** Milliseconds each page stays open after it is ready (V8's WASM caching timer is 2 s; it never fired here, above). */
const DWELL = Number(args.dwell ?? 300);
const CATEGORIES = [
	'v8',
	'v8.wasm',
	'v8.execute',
	'disabled-by-default-v8.compile',
	'disabled-by-default-v8.gc',
	'devtools.timeline',
	'disabled-by-default-devtools.timeline',
	'blink',
	'toplevel',
	'blink.user_timing',
	'disabled-by-default-v8.cpu_profiler'
];

type Ev = {
	name: string;
	cat?: string;
	ph: string;
	ts: number;
	dur?: number;
	pid: number;
	tid: number;
	id?: string;
	args?: { name?: string; data?: ProfileData };
};
type ProfileNode = {
	id: number;
	parent?: number;
	callFrame: { functionName: string; url: string; lineNumber?: number };
};
type ProfileData = {
	startTime?: number;
	cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
	timeDeltas?: number[];
};

/** Self time per function (V8's sampling profiler in the trace), per profiled thread, inside [from, to]. */
function profileSelfTimes(events: Ev[], from: number, to: number, threadName: (e: Ev) => string) {
	const out = new Map<string, Map<string, number>>();
	const profiles = new Map<
		string,
		{ thread: string; nodes: Map<number, ProfileNode>; t: number; last: number | null }
	>();
	for (const e of events) {
		if (e.name === 'Profile' && e.id)
			profiles.set(e.id, {
				thread: threadName(e),
				nodes: new Map(),
				t: e.args?.data?.startTime ?? e.ts,
				last: null
			});
		if (e.name !== 'ProfileChunk' || !e.id) continue;
		const profile = profiles.get(e.id);
		if (!profile) continue;
		const data = e.args?.data ?? {};
		for (const node of data.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
		const samples = data.cpuProfile?.samples ?? [];
		const deltas = data.timeDeltas ?? [];
		samples.forEach((id, i) => {
			profile.t += deltas[i] ?? 0;
			if (profile.last !== null && profile.t >= from && profile.t <= to) {
				const node = profile.nodes.get(profile.last);
				const frame = node?.callFrame;
				const key = frame
					? `${frame.functionName || '(anon)'} ${(frame.url ?? '').split('/').pop()}:${frame.lineNumber ?? ''}`
					: '?';
				const sums = out.get(profile.thread) ?? new Map<string, number>();
				sums.set(key, (sums.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
				out.set(profile.thread, sums);
			}
			profile.last = id;
		});
	}
	return out;
}

const dir = mkdtempSync(path.join(tmpdir(), 'trace-'));
const server = await startBuiltServer({ MODEL_PATH: path.join(dir, 'none.json') });
const counter = await startByteCounter(server.base);
const context = await launchProfile(path.join(dir, 'profile'), {
	args: args['js-flags'] ? [`--js-flags=${args['js-flags']}`] : [],
	blockServiceWorkers: !!args['no-sw']
});
try {
	if (args['no-sw']) {
		const first = await context.newPage();
		await first.goto(`${counter.base}/enroll`);
		await engineReadyMs(first);
		await first.waitForTimeout(DWELL);
		await first.close();
	} else await firstVisit(context, counter, '/enroll', true);
	const browser = context.browser()!;
	for (let run = 0; run < RUNS; run++) {
		const page = await context.newPage();
		await browser.startTracing(page, { categories: CATEGORIES });
		await page.goto(`${counter.base}/enroll`);
		const ready = await engineReadyMs(page);
		if (args['thread-cpu']) console.log(execSync(THREAD_CPU, { shell: '/bin/bash' }).toString());
		await page.waitForTimeout(DWELL);
		const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: Ev[] };
		const events = trace.traceEvents;
		const names = new Map<string, string>();
		for (const e of events)
			if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
		// The two marks as the trace saw them (User Timing marks are trace events on the trace's own clock).
		const markTs = (stage: EngineStage) =>
			events.find((e) => e.name === ENGINE_STAGE_MARKS[stage] && e.cat?.includes('user_timing'))?.ts;
		const from = markTs(FROM);
		const to = markTs(TO);
		if (from === undefined || to === undefined) throw new Error('marks missing from the trace');
		if (EVENTS) {
			const counts = new Map<string, number>();
			for (const e of events) {
				if (!EVENTS.test(e.name)) continue;
				const key = `${e.name} ${JSON.stringify(e.args ?? {}).slice(0, 300)}`;
				counts.set(key, (counts.get(key) ?? 0) + 1);
			}
			for (const [key, count] of counts) console.log(`  ${count}x ${key}`);
		}
		const byThread = new Map<string, Map<string, number>>();
		for (const e of events) {
			if (e.ph !== 'X' || e.dur === undefined) continue;
			const start = Math.max(e.ts, from);
			const end = Math.min(e.ts + e.dur, to);
			if (end <= start) continue;
			const thread = names.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
			const sums = byThread.get(thread) ?? new Map<string, number>();
			sums.set(e.name, (sums.get(e.name) ?? 0) + (end - start) / 1000);
			byThread.set(thread, sums);
		}
		console.log(
			`\n## run ${run + 1}: ready ${Math.round(ready)} ms; ${FROM}→${TO} ${Math.round((to - from) / 1000)} ms`
		);
		const selfTimes = profileSelfTimes(
			events,
			from,
			to,
			(e) => `${names.get(`${e.pid}:${e.tid}`) ?? '?'} ${e.tid}`
		);
		for (const [thread, sums] of selfTimes) {
			const top = [...sums].sort((a, b) => b[1] - a[1]).slice(0, 25);
			console.log(`- profile ${thread}: ${top.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
		}
		for (const [thread, sums] of byThread) {
			const top = [...sums]
				.sort((a, b) => b[1] - a[1])
				.filter(([, ms]) => ms >= 1)
				.slice(0, 14);
			if (top.length === 0) continue;
			console.log(`- ${thread}: ${top.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
		}
		await page.close();
	}
} finally {
	await context.close();
	await counter.stop();
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}

// Issue 12 point 4, caching headers: what a browser asks the server for under /models/ and /wasm/ when it opens
// /enroll and then opens it again, with the service worker blocked (the HTTP cache alone: a first visit, before
// the worker controls the page, or a browser without one). Twice: with the server's Cache-Control as it serves it
// ("after"), and with a relay that strips Cache-Control from those files ("before": the server as it was; nothing
// else differs). Each request the relay passes on is counted by path and status. Then Lighthouse's
// uses-long-cache-ttl audit of /enroll (its default mobile run, a fresh profile) through each relay.
// Run: npm run build && npx tsx scripts/experiments/http-cache.ts   (about two minutes here)
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import lighthouse from 'lighthouse';
import { CONTEXT_OPTIONS, launch } from '../../tests/e2e/lib/browser';
import { withLighthouseChrome } from '../audit/lighthouse-page';
import { engineReadyMs } from '../../tests/e2e/lib/first-visit';
import { REPO_ROOT } from '../../tests/helpers/faces';
import { startBuiltServer } from '../../tests/helpers/server';

const UNVERSIONED = /^\/(models|wasm)\//;

/** An HTTP relay to `target` that logs "status path" for the model and .wasm files. */
async function relay(target: string, stripCacheControl: boolean) {
	const log: string[] = [];
	const server = http.createServer((request, response) => {
		const upstream = http.request(
			`${target}${request.url}`,
			{ method: request.method, headers: request.headers },
			(answer) => {
				const pathname = new URL(request.url!, target).pathname;
				const headers = { ...answer.headers };
				if (UNVERSIONED.test(pathname)) {
					log.push(`${answer.statusCode} ${pathname}`);
					if (stripCacheControl) delete headers['cache-control'];
				}
				response.writeHead(answer.statusCode!, headers);
				answer.pipe(response);
			}
		);
		request.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return { base: `http://127.0.0.1:${port}`, log, close: () => server.close() };
}

function summary(log: string[]): string {
	const counts = new Map<string, number>();
	for (const line of log) counts.set(line, (counts.get(line) ?? 0) + 1);
	const byStatus = (status: string) => log.filter((l) => l.startsWith(status)).length;
	const lines = [...counts].map(([line, n]) => `      ${n} x ${line}`).sort();
	return `${log.length} requests (${byStatus('200')} x 200, ${byStatus('304')} x 304)\n${lines.join('\n')}`;
}

/** Lighthouse's verdict on cache lifetimes for `url`: the score and the files it flags. */
async function cacheAudit(url: string): Promise<string> {
	return withLighthouseChrome(async (port) => {
		const run = await lighthouse(url, {
			port,
			logLevel: 'error',
			onlyAudits: ['uses-long-cache-ttl']
		});
		const audit = run?.lhr.audits['uses-long-cache-ttl'];
		const items = (audit?.details as { items?: { url: string }[] } | undefined)?.items ?? [];
		const flagged = items.map((item) => `      flagged: ${new URL(item.url).pathname}`);
		return [`score ${audit?.score} (${audit?.displayValue ?? 'nothing flagged'})`, ...flagged].join('\n');
	});
}

const server = await startBuiltServer({
	NODE_ENV: 'production',
	JWT_SECRET: randomBytes(48).toString('base64'),
	MODEL_PATH: path.join(REPO_ROOT, 'no-model-here.json')
});
const browser = await launch();
try {
	for (const mode of ['before', 'after'] as const) {
		const front = await relay(server.base, mode === 'before');
		const context = await browser.newContext({ ...CONTEXT_OPTIONS, serviceWorkers: 'block' });
		const page = await context.newPage();
		console.log(
			`${mode}: Cache-Control on /models/ and /wasm/ ${mode === 'before' ? 'stripped' : 'as served'}`
		);
		for (const visit of ['first visit', 'second visit (a new tab, same profile)']) {
			front.log.length = 0;
			const tab = visit === 'first visit' ? page : await context.newPage();
			await tab.goto(`${front.base}/enroll`);
			await engineReadyMs(tab);
			await new Promise((r) => setTimeout(r, 1000)); // late worker fetches
			console.log(`  ${visit}: ${summary(front.log)}`);
		}
		await context.close();
		console.log(`  Lighthouse uses-long-cache-ttl on /enroll: ${await cacheAudit(`${front.base}/enroll`)}`);
		front.close();
	}
} finally {
	await browser.close();
	await server.stop();
}

/**
 * npm run audit: Lighthouse (mobile, its default) on every page of the built app, served by the production
 * server (scripts/serve.js) on a fresh database, in Debian's Chromium; then Chromium's installability verdict.
 * Builds first when build/ is missing or older than src/ and static/ (as the e2e tests do).
 *
 * Writes reports/lighthouse.json (category scores 0-1 per page, the findings, installability and the checks),
 * prints a table, and exits 1 when a page scores below 0.95 in accessibility or best practices or the app is
 * not installable. Performance is printed against its 0.9 target and never fails the run: it is a timing.
 *
 *   npm run audit -- [--pages=/people,/enroll]   (some pages only: a partial report, for looking into one page)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuild } from '../../tests/e2e/lib/build';
import { REPO_ROOT } from '../../tests/helpers/faces';
import { startBuiltServer } from '../../tests/helpers/server';
import { checkInstallability } from './installability';
import { auditPage, type Environment } from './lighthouse-page';
import {
	CATEGORIES,
	checks,
	GATED,
	isInstallable,
	PERFORMANCE_TARGET,
	type Category,
	type PageResult
} from './verdict';

export const REPORT = path.join(REPO_ROOT, 'reports/lighthouse.json');
const APP_ROUTES = path.join(REPO_ROOT, 'src/routes/(app)');

const log = (line: string) => console.error(`[audit] ${line}`);

const only = process.argv
	.find((a) => a.startsWith('--pages='))
	?.slice('--pages='.length)
	.split(',');

/** The start page and every page of the (app) group without a parameter in its path (or those of `--pages`). */
function appPages(): string[] {
	const pages = readdirSync(APP_ROUTES, { withFileTypes: true })
		.filter(
			(e) =>
				e.isDirectory() && !e.name.includes('[') && existsSync(path.join(APP_ROUTES, e.name, '+page.svelte'))
		)
		.map((e) => `/${e.name}`)
		.sort();
	return ['/', ...pages].filter((p) => !only || only.includes(p));
}

/** Lighthouse runs per page before a failed measurement counts as a failed page. */
const ATTEMPTS = 2;

async function auditWithRetry(url: string, pagePath: string): ReturnType<typeof auditPage> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await auditPage(url, pagePath);
		} catch (error) {
			if (attempt >= ATTEMPTS) throw error;
			log(`${pagePath}: ${error instanceof Error ? error.message : error}; running Lighthouse again`);
		}
	}
}

const fmt = (score: number | null) => (score === null ? ' -- ' : score.toFixed(2));

function table(pages: PageResult[]): string {
	const header = ['page', 'perf', 'a11y', 'b.p.', 'FCP', 'LCP', 'TBT', 'CLS'];
	const rows = pages.map((p) => [
		p.path,
		...CATEGORIES.map((c) => fmt(p.scores[c])),
		p.metrics['first-contentful-paint'],
		p.metrics['largest-contentful-paint'],
		p.metrics['total-blocking-time'],
		p.metrics['cumulative-layout-shift']
	]);
	const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => String(r[i] ?? '').length)));
	return [header, ...rows]
		.map((r) => r.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  '))
		.join('\n');
}

async function main(): Promise<number> {
	ensureBuild(log);
	const tmp = mkdtempSync(path.join(tmpdir(), 'me-verifier-audit-'));
	const server = await startBuiltServer({ MODEL_PATH: path.join(tmp, 'model.json') });
	const pages: PageResult[] = [];
	let environment: Environment | null = null;
	try {
		for (const pagePath of appPages()) {
			log(`lighthouse ${pagePath}`);
			try {
				const audited = await auditWithRetry(server.base + pagePath, pagePath);
				pages.push(audited.result);
				environment ??= audited.environment;
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				log(`lighthouse failed on ${pagePath}: ${message}`);
				const scores = Object.fromEntries(CATEGORIES.map((c) => [c, null])) as Record<Category, null>;
				pages.push({ path: pagePath, scores, metrics: {}, findings: [], error: message });
			}
		}
		log('installability');
		const installability = await checkInstallability(`${server.base}/`);
		const list = checks(pages, installability);
		const failed = list.filter((c) => !c.passed);
		mkdirSync(path.dirname(REPORT), { recursive: true });
		writeFileSync(
			REPORT,
			JSON.stringify(
				{
					command: 'npm run audit',
					date: new Date().toISOString(),
					formFactor: 'mobile (Lighthouse default: simulated throttling)',
					...environment,
					thresholds: { ...GATED, performance: `${PERFORMANCE_TARGET} target, reported only` },
					pages,
					installability: { installable: isInstallable(installability), ...installability },
					checks: { passed: list.length - failed.length, failed: failed.length, list },
					passed: failed.length === 0
				},
				null,
				2
			) + '\n'
		);
		console.log(`\n${table(pages)}\n`);
		for (const page of pages) {
			for (const f of page.findings.filter((f) => f.category !== 'performance')) {
				console.log(`  ${page.path} ${f.category}: ${f.id} (${f.score}) ${f.title}`);
			}
		}
		const slow = pages.filter((p) => (p.scores.performance ?? 0) < PERFORMANCE_TARGET).map((p) => p.path);
		console.log(
			`performance target ${PERFORMANCE_TARGET} (reported, never fails): ${slow.length ? `below on ${slow.join(', ')}` : 'met on every page'}`
		);
		console.log(`installable: ${isInstallable(installability) ? 'yes' : 'NO'} (${list.at(-1)?.detail})`);
		for (const c of failed) console.log(`FAILED ${c.name}: ${c.detail}`);
		console.log(
			`audit: ${list.length - failed.length} passed, ${failed.length} failed (${path.relative(REPO_ROOT, REPORT)})`
		);
		return failed.length ? 1 : 0;
	} finally {
		await server.stop();
		rmSync(tmp, { recursive: true, force: true });
	}
}

process.exit(await main());

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/e2e/lib/browser';
import { CATEGORIES, type Category, type Finding, type PageResult } from './verdict';

const METRICS = [
	'first-contentful-paint',
	'largest-contentful-paint',
	'total-blocking-time',
	'cumulative-layout-shift',
	'speed-index'
];

export interface Environment {
	lighthouse: string;
	userAgent: string;
	/** Lighthouse's CPU benchmark of this machine (a fast desktop scores about 1,000-2,000). */
	benchmarkIndex: number;
}

/** Debian's Chromium on a fresh profile for Lighthouse (`port`: its DevTools port); killed and removed after `run`. */
export async function withLighthouseChrome<T>(run: (port: number) => Promise<T>): Promise<T> {
	const profile = mkdtempSync(path.join(tmpdir(), 'me-verifier-lighthouse-'));
	const chrome = await chromeLauncher.launch({
		chromePath: CHROMIUM,
		userDataDir: profile,
		chromeFlags: ['--headless=new', ...CHROMIUM_ARGS]
	});
	try {
		return await run(chrome.port);
	} finally {
		chrome.kill();
		rmSync(profile, { recursive: true, force: true });
	}
}

/**
 * One Lighthouse run (its default: mobile form factor, simulated throttling) on a fresh profile of Debian's
 * Chromium, so every page is audited as a first visit.
 */
export async function auditPage(
	url: string,
	pagePath: string
): Promise<{ result: PageResult; environment: Environment | null }> {
	return withLighthouseChrome(async (port) => {
		const run = await lighthouse(url, {
			port,
			output: 'json',
			logLevel: 'error',
			onlyCategories: [...CATEGORIES]
		});
		if (!run) throw new Error('Lighthouse returned no result');
		const { lhr } = run;
		// A failed measurement (NO_NAVSTART, NO_FCP, a protocol timeout): the caller runs the page again.
		if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
		const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score ?? null])) as Record<
			Category,
			number | null
		>;
		const findings: Finding[] = [];
		for (const category of CATEGORIES) {
			for (const ref of lhr.categories[category]?.auditRefs ?? []) {
				const audit = lhr.audits[ref.id];
				if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
					findings.push({ category, id: audit.id, title: audit.title, score: audit.score });
				}
			}
		}
		const metrics = Object.fromEntries(METRICS.map((id) => [id, lhr.audits[id]?.displayValue ?? '']));
		const tasks = (lhr.audits['long-tasks']?.details as { items?: { url: string; duration: number }[] })
			?.items;
		const longTasks = (tasks ?? []).slice(0, 5).map((t) => ({ url: t.url, ms: Math.round(t.duration) }));
		return {
			result: { path: pagePath, scores, metrics, findings, longTasks },
			environment: {
				lighthouse: lhr.lighthouseVersion,
				userAgent: lhr.environment.hostUserAgent,
				benchmarkIndex: lhr.environment.benchmarkIndex
			}
		};
	});
}

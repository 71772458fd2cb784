import type { BrowserContext } from 'playwright-core';
import { pageFunctions } from 'lighthouse/core/lib/page-functions.js';

/**
 * How fast this machine runs JavaScript right now: Lighthouse's own CPU benchmark (its `benchmarkIndex`, higher is
 * faster; about a second of string building and array copying on the page's thread), so a timing taken on this
 * shared machine, whose speed drifts 1.3-1.8x over a day, can be read against the machine's speed at that moment.
 * The same number `npm run audit` records per run in reports/lighthouse.json. On a blank page of its own, closed
 * after, so nothing of it stays open while the timed runs go.
 */
export async function machineIndex(context: BrowserContext): Promise<number> {
	const page = await context.newPage();
	try {
		return Math.round(await page.evaluate(pageFunctions.computeBenchmarkIndex));
	} finally {
		await page.close();
	}
}

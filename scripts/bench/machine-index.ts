import type { Page } from 'playwright-core';
import { pageFunctions } from 'lighthouse/core/lib/page-functions.js';

/**
 * How fast this machine runs JavaScript right now: Lighthouse's own CPU benchmark (its `benchmarkIndex`, higher is
 * faster; about a second of string building and array copying on the page's thread), so a timing taken on this
 * shared machine, whose speed drifts 1.3-1.8x over a day, can be read against the machine's speed at that moment.
 * The same number `npm run audit` records per run in reports/lighthouse.json.
 */
export async function machineIndex(page: Page): Promise<number> {
	return Math.round(await page.evaluate(pageFunctions.computeBenchmarkIndex));
}

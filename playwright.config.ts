import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, CONTEXT_OPTIONS } from './tests/e2e/lib/browser';

/**
 * End-to-end tests: the production build (one server per worker, tests/e2e/lib/fixtures.ts) in Debian's
 * Chromium on the WASM backend, with the real models and the real photos. `npx playwright install` is never
 * needed: the browser is /usr/bin/chromium (CHROMIUM_PATH overrides it).
 *   npm run test:e2e                     every spec
 *   npm run test:e2e -- -g 'parity'      one test (each test sets up what it needs)
 * Traces and screenshots of failed tests: test-results/e2e/; HTML report: test-results/e2e-report/
 * (npx playwright show-report test-results/e2e-report).
 */
export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '*.spec.ts',
	globalSetup: './tests/e2e/global-setup.ts',
	outputDir: 'test-results/e2e',
	// Two cores and heavy face models: one browser at a time.
	workers: 1,
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	retries: process.env.CI ? 1 : 0,
	timeout: 180_000,
	expect: { timeout: 30_000 },
	reporter: [
		['list'],
		['html', { open: 'never', outputFolder: 'test-results/e2e-report' }],
		// test-results/e2e-summary.json, for the closing line of `npm test` (scripts/run-tests.js).
		['./tests/e2e/lib/summary-reporter.ts']
	],
	use: {
		...CONTEXT_OPTIONS,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS }
	},
	projects: [{ name: 'chromium', use: { browserName: 'chromium' } }]
});

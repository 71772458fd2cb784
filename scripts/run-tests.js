// npm test: every Vitest suite, then the browser end-to-end tests, then the Lighthouse audit (npm run audit), then one
// closing line for all three.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const VITEST_JSON = 'test-results/vitest.json';
const E2E_JSON = 'test-results/e2e-summary.json';
const AUDIT_JSON = 'reports/lighthouse.json';
rmSync(VITEST_JSON, { force: true });
rmSync(E2E_JSON, { force: true });
rmSync(AUDIT_JSON, { force: true });

/** @param {string[]} args */
const run = (args) => spawnSync('npx', args, { stdio: 'inherit' }).status ?? 1;
/** @param {string} file */
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);

const vitestStatus = run([
	'vitest',
	'run',
	'--reporter=default',
	'--reporter=json',
	`--outputFile.json=${VITEST_JSON}`
]);
// @playwright/test (playwright.config.ts); its summary reporter writes E2E_JSON.
const e2eStatus = run(['playwright', 'test']);
// Accessibility and best practices >= 0.95 per page, and installable: each a check (scripts/audit/verdict.ts).
const auditStatus = run(['tsx', 'scripts/audit/run.ts']);

const vitest = readJson(VITEST_JSON);
const e2e = readJson(E2E_JSON);
const audit = readJson(AUDIT_JSON)?.checks ?? { passed: 0, failed: 1 };
// A suite that crashed before reporting counts as one failure, so it can never look green.
const crashed = (/** @type {number} */ status, /** @type {number} */ failures) =>
	status !== 0 && !failures ? 1 : 0;
const unit = vitest
	? {
			passed: vitest.numPassedTests,
			failed: vitest.numFailedTests + crashed(vitestStatus, vitest.numFailedTests)
		}
	: { passed: 0, failed: 1 };
const browser = e2e ?? { passed: 0, failed: 1 };
// A test that passed only on its retry (CI) is flaky: counted as passed, and said.
const flaky = browser.flaky ? ` (${browser.flaky} flaky)` : '';
const auditFailed = audit.failed + crashed(auditStatus, audit.failed);
console.log(
	`\nvitest: ${unit.passed} passed, ${unit.failed} failed; e2e: ${browser.passed} passed${flaky}, ${browser.failed} failed; ` +
		`audit: ${audit.passed} passed, ${auditFailed} failed`
);
console.log(
	`${unit.passed + browser.passed + audit.passed} passed, ${unit.failed + browser.failed + auditFailed} failed`
);
process.exit(vitestStatus === 0 && e2eStatus === 0 && auditStatus === 0 ? 0 : 1);

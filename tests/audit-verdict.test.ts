import { describe, expect, it } from 'vitest';
import { checks, type Installability, type PageResult } from '../scripts/audit/verdict';

const page = (scores: Partial<PageResult['scores']>, error?: string): PageResult => ({
	path: '/x',
	scores: { performance: 1, accessibility: 1, 'best-practices': 1, ...scores },
	metrics: {},
	findings: [],
	error
});
const installable: Installability = { controlled: true, errors: [], manifestErrors: [] };
const failedNames = (pages: PageResult[], i = installable) =>
	checks(pages, i)
		.filter((c) => !c.passed)
		.map((c) => c.name);

describe('npm run audit verdict', () => {
	it('gates accessibility and best practices at 0.95 on every page, plus one installability check', () => {
		const list = checks([page({}), page({ accessibility: 0.95, 'best-practices': 0.95 })], installable);
		expect(list.map((c) => c.name)).toEqual([
			'/x accessibility',
			'/x best-practices',
			'/x accessibility',
			'/x best-practices',
			'installable'
		]);
		expect(list.every((c) => c.passed)).toBe(true);
		expect(failedNames([page({ accessibility: 0.94 })])).toEqual(['/x accessibility']);
		expect(failedNames([page({ 'best-practices': 0.9 })])).toEqual(['/x best-practices']);
	});

	it('never fails on performance, however low', () => {
		expect(failedNames([page({ performance: 0.1 }), page({ performance: null })])).toEqual([]);
	});

	it('fails a category Lighthouse could not score, and says why', () => {
		const list = checks([page({ accessibility: null }, 'NO_FCP')], installable);
		expect(list[0]).toMatchObject({ passed: false, detail: 'not scored: NO_FCP' });
	});

	it('is not installable without a controlling service worker, with Chromium errors or manifest errors', () => {
		expect(failedNames([], { ...installable, controlled: false })).toEqual(['installable']);
		expect(failedNames([], { ...installable, errors: ['no-manifest'] })).toEqual(['installable']);
		const list = checks([], { ...installable, manifestErrors: ['bad icon (line 3)'] });
		expect(list[0]).toMatchObject({ passed: false, detail: 'manifest: bad icon (line 3)' });
	});
});

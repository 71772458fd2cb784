/**
 * What `npm run audit` requires of the built app, and the verdict on one run. Accessibility and best practices
 * are gated on every page, and Chromium must find the app installable; performance is a timing on a noisy
 * machine, so it is reported against its target and never fails the audit.
 */

export const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
export type Category = (typeof CATEGORIES)[number];

export const GATED: Partial<Record<Category, number>> = { accessibility: 0.95, 'best-practices': 0.95 };
export const PERFORMANCE_TARGET = 0.9;

/** A scored audit of a category that did not get full marks. */
export interface Finding {
	category: Category;
	id: string;
	title: string;
	score: number;
}

export interface PageResult {
	path: string;
	/** Category scores 0-1; null when Lighthouse could not score the category (its error is in `error`). */
	scores: Record<Category, number | null>;
	/** Lighthouse's display values of the Core Web Vitals and friends (simulated mobile throttling). */
	metrics: Record<string, string>;
	findings: Finding[];
	/** The page's longest main-thread tasks (Lighthouse's long-tasks audit): what its blocking time is made of. */
	longTasks?: { url: string; ms: number }[];
	error?: string;
}

/** Chromium's own installability verdict on the start page (DevTools protocol). */
export interface Installability {
	/** A service worker controls the page. */
	controlled: boolean;
	/** Page.getInstallabilityErrors: empty when Chromium would offer to install the app. */
	errors: string[];
	/** Page.getAppManifest: the manifest's parse and validation errors. */
	manifestErrors: string[];
}

export interface Check {
	name: string;
	passed: boolean;
	detail: string;
}

export const isInstallable = (i: Installability): boolean =>
	i.controlled && i.errors.length === 0 && i.manifestErrors.length === 0;

/** One check per gated category per page, and one for installability. */
export function checks(pages: PageResult[], installability: Installability): Check[] {
	const result: Check[] = [];
	for (const page of pages) {
		for (const [category, minimum] of Object.entries(GATED) as [Category, number][]) {
			const score = page.scores[category];
			result.push({
				name: `${page.path} ${category}`,
				passed: score !== null && score >= minimum,
				detail:
					score === null
						? `not scored: ${page.error ?? 'no score'}`
						: `${score.toFixed(2)} (minimum ${minimum})`
			});
		}
	}
	const problems = [
		...(installability.controlled ? [] : ['no service worker controls the page']),
		...installability.errors,
		...installability.manifestErrors.map((e) => `manifest: ${e}`)
	];
	result.push({
		name: 'installable',
		passed: isInstallable(installability),
		detail: problems.length ? problems.join('; ') : 'Chromium reports no installability errors'
	});
	return result;
}

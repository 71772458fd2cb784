import path from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO_ROOT } from '../../helpers/faces';
import type { RunningServer } from '../../helpers/server';

/** State the specs share, filled in order (the flow spec trains the model the later specs use). */
export interface E2EState {
	server: RunningServer;
	browser: Browser;
	/** Directory for files the run writes (clips, downloads, the server's model). */
	tmp: string;
	/** The server reads its model from here (MODEL_PATH). */
	modelPath: string;
	/** model.json exported from the browser by the flow spec. */
	exportedModel?: string;
	/** Scores the browser gave per photo, for the parity test. */
	browserScores: Map<string, number>;
	/** Every request the main browser context made. */
	requests: { method: string; url: string; postData: string | null; resourceType: string }[];
}

export const state = {} as E2EState;

/**
 * Where the tests write their screenshots: the README's docs/screenshots/ only when asked
 * (UPDATE_SCREENSHOTS=1 npm run test:e2e), so an ordinary test run leaves the tree clean.
 */
export const SCREENSHOT_DIR = path.join(
	REPO_ROOT,
	process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results/screenshots'
);

import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/faces';

// The layer rule (scripts/eslint/layers.js) must catch a forbidden import however it is written.

const eslint = new ESLint({ cwd: REPO_ROOT });

async function layerErrors(file: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
	return result.messages.filter((m) => m.ruleId === 'layers/layers').map((m) => m.message);
}

describe('layer boundaries', () => {
	it('refuses server code in core, by alias or by relative path', async () => {
		for (const specifier of [
			'../server/config',
			'#lib/server/config.ts',
			'$lib/server/config',
			'../server'
		]) {
			const errors = await layerErrors(
				'src/lib/core/probe.ts',
				`import { getConfig } from '${specifier}';\nvoid getConfig;\n`
			);
			expect(errors, specifier).toEqual([expect.stringMatching(/core must not import server/)]);
		}
	});

	it('refuses browser code on the server and server code in the browser, re-exports and dynamic imports too', async () => {
		expect(
			await layerErrors('src/lib/server/probe.ts', "export { x } from '../browser/store';\n")
		).toHaveLength(1);
		expect(
			await layerErrors(
				'src/lib/browser/probe.ts',
				"export async function f() { return import('../server/decode'); }\n"
			)
		).toHaveLength(1);
		expect(await layerErrors('src/lib/components/probe.ts', "import '../server/config';\n")).toHaveLength(1);
	});

	it('lets each layer import what it may', async () => {
		expect(
			await layerErrors('src/lib/browser/probe.ts', "export { cosine } from '../core/gallery';\n")
		).toEqual([]);
		expect(
			await layerErrors('src/lib/server/probe.ts', "export { PROFILE } from '#lib/core/defaults.ts';\n")
		).toEqual([]);
		expect(
			await layerErrors('src/cli/probe.ts', "export { decodeImage } from '../lib/server/decode';\n")
		).toEqual([]);
	});
});

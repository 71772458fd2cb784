import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServerEngine } from '../src/lib/server/node-engine';
import { decodeImageFile } from '../src/lib/server/decode';
import { facePath } from './helpers/faces';

// Own file, so it runs in a fresh process: Human loads its models once per process and caches them.
describe('face model loading', () => {
	it('fails with MODEL_MISSING when the model files are absent, and recovers once they are there', async () => {
		const empty = mkdtempSync(path.join(tmpdir(), 'no-models-'));
		try {
			// Human itself resolves load() and keeps listing the models: the engine must notice.
			await expect(createServerEngine({ modelDir: empty })).rejects.toMatchObject({ code: 'MODEL_MISSING' });
		} finally {
			rmSync(empty, { recursive: true, force: true });
		}
		const engine = await createServerEngine();
		try {
			expect(await engine.detect(await decodeImageFile(facePath('Barack_Obama/obama.jpg')))).toHaveLength(1);
		} finally {
			await engine.dispose();
		}
	});
});

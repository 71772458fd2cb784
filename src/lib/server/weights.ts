import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type * as tfTypes from '@tensorflow/tfjs-core';
import { readModelArtifacts, readWeightsManifest, type ReadBytes } from '../core/embedders';
import type { RawWeights } from '../core/embedders/types';
import { CoreError } from '../core/errors';

type Tf = typeof tfTypes;

/** The server's I/O for the core weights reader: files on disk. */
export const readFileBytes: ReadBytes = async (file) => {
	try {
		return await readFile(file);
	} catch (error) {
		throw new CoreError('MODEL_MISSING', `cannot read ${file}: ${(error as Error).message}`);
	}
};

/** A weights manifest on disk and its shards (the core reader with file I/O). */
export function readWeightsFile(manifestPath: string): Promise<RawWeights> {
	return readWeightsManifest(manifestPath, readFileBytes);
}

const routersRegistered = new WeakSet<object>();

/**
 * tfjs has no file:// loader without tfjs-node; this router reads a graph model's model.json and its
 * shards from disk. Registered once per tfjs instance (the registry is global to that instance).
 */
export function registerFileLoadRouter(tf: Tf): void {
	if (routersRegistered.has(tf)) return;
	routersRegistered.add(tf);
	// tfjs calls routers in turn and skips those returning null, though its IORouter type omits null.
	const router = (url: string | string[]): tfTypes.io.IOHandler | null => {
		if (typeof url !== 'string' || !url.startsWith('file://')) return null;
		return { load: () => readModelArtifacts(fileURLToPath(url), readFileBytes) };
	};
	tf.io.registerLoadRouter(router as Parameters<Tf['io']['registerLoadRouter']>[0]);
}

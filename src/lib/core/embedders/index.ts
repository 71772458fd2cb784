import { CoreError } from '../errors';
import { createDlibResnetEmbedder, dlibResnetMeta, type ChipDescriber } from './dlib-resnet';
import { createFaceresEmbedder, faceresMeta, type GraphModelLike } from './faceres';
import { createFusionEmbedder } from './fusion';
import type { Embedder, RawWeights, Tf } from './types';

export type { Embedder, RawWeights, Tf } from './types';
export type { GraphModelLike } from './faceres';

export const EMBEDDER_IDS = [
	'dlib-resnet128',
	'dlib-resnet128-noflip',
	'dlib-resnet128-box',
	'faceres',
	'faceres-bgr',
	'fusion'
] as const;
export type EmbedderId = (typeof EMBEDDER_IDS)[number];

/** Chosen by the pairs evaluation (README, "Embedder choice"). */
export const DEFAULT_EMBEDDER: EmbedderId = 'dlib-resnet128';

/** Weight files an embedder may ask the runtime for; core never reads files itself. */
export type WeightsName = 'face-recognition';

export interface EmbedderDeps {
	tf: Tf;
	loadWeights(name: WeightsName): Promise<RawWeights>;
	/** Human's loaded faceres model, when the engine loaded it. */
	faceres?: GraphModelLike | null;
	/** Where the runtime can run the dlib network on a second thread: the flip chip goes there. */
	describeMirror?: ChipDescriber;
}

export interface EmbedderMeta {
	id: EmbedderId;
	version: string;
	size: number;
	needsFaceres: boolean;
}

export function isEmbedderId(id: string): id is EmbedderId {
	return (EMBEDDER_IDS as readonly string[]).includes(id);
}

/** What an engine records in EngineInfo before anything is loaded. */
export function embedderMeta(id: EmbedderId): EmbedderMeta {
	switch (id) {
		case 'dlib-resnet128':
			return { ...dlibResnetMeta('flip'), id, needsFaceres: false };
		case 'dlib-resnet128-noflip':
			return { ...dlibResnetMeta('landmarks'), id, needsFaceres: false };
		case 'dlib-resnet128-box':
			return { ...dlibResnetMeta('box'), id, needsFaceres: false };
		case 'faceres':
			return { ...faceresMeta(false), id, needsFaceres: true };
		case 'faceres-bgr':
			return { ...faceresMeta(true), id, needsFaceres: true };
		case 'fusion': {
			const parts = [dlibResnetMeta('landmarks'), faceresMeta(true)];
			return {
				id,
				version: parts.map((p) => `${p.id}@${p.version}`).join('|'),
				size: parts.reduce((sum, p) => sum + p.size, 0),
				needsFaceres: true
			};
		}
	}
}

export async function createEmbedder(id: EmbedderId, deps: EmbedderDeps): Promise<Embedder> {
	const faceres = (): GraphModelLike => {
		if (!deps.faceres) throw new CoreError('MODEL_MISSING', `embedder ${id} needs Human's faceres model`);
		return deps.faceres;
	};
	switch (id) {
		case 'dlib-resnet128':
			return createDlibResnetEmbedder(deps.tf, await deps.loadWeights('face-recognition'), {
				describeMirror: deps.describeMirror
			});
		case 'dlib-resnet128-noflip':
			return createDlibResnetEmbedder(deps.tf, await deps.loadWeights('face-recognition'), {
				alignment: 'landmarks'
			});
		case 'dlib-resnet128-box':
			return createDlibResnetEmbedder(deps.tf, await deps.loadWeights('face-recognition'), {
				alignment: 'box'
			});
		case 'faceres':
			return createFaceresEmbedder(deps.tf, faceres(), { bgr: false });
		case 'faceres-bgr':
			return createFaceresEmbedder(deps.tf, faceres(), { bgr: true });
		case 'fusion':
			return createFusionEmbedder(id, [
				createDlibResnetEmbedder(deps.tf, await deps.loadWeights('face-recognition'), {
					alignment: 'landmarks'
				}),
				createFaceresEmbedder(deps.tf, faceres(), { bgr: true })
			]);
	}
}
export { fetchReader, readModelArtifacts, readWeightsManifest, type ReadBytes } from './weights';

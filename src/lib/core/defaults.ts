import { DEFAULT_EMBEDDER, type EmbedderId } from './embedders';
import { DEFAULT_QUALITY, type QualityThresholds } from './quality';

/**
 * The one place for the product's defaults: the server's environment, the browser's settings and the
 * commands' options start from these, so a default changed here changes everywhere.
 */
export interface Profile {
	/** Embedder of "is this me?" (the verify model). Chosen by the pairs evaluation (README). */
	embedder: EmbedderId;
	/** Embedder of people (1:N) and face login: the calibrated one (CALIBRATION.md). */
	peopleEmbedder: EmbedderId;
	/** Longest image side analysed: bigger inputs grow the WASM heap for good and shift embeddings. */
	maxImageSide: number;
	/** Most faces scored in one image or frame (the largest first; the main face always). */
	maxFacesPerFrame: number;
	/** Most photos in one enrolment request. */
	maxEnrolmentPhotos: number;
	/** Gates an enrolment photo must pass. */
	quality: QualityThresholds;
	/** The verify model file, relative to the working directory (server and commands). */
	modelPath: string;
	/** Largest accepted upload per image, in MB. */
	maxContentMb: number;
}

export const PROFILE: Readonly<Profile> = Object.freeze({
	embedder: DEFAULT_EMBEDDER,
	peopleEmbedder: 'dlib-resnet128',
	maxImageSide: 1280,
	maxFacesPerFrame: 10,
	maxEnrolmentPhotos: 10,
	quality: DEFAULT_QUALITY,
	modelPath: 'models/model.json',
	maxContentMb: 2
});

export const MAX_FACES_PER_FRAME = PROFILE.maxFacesPerFrame;

import type { PersonTemplate } from '../../core/gallery';
import type { PixelImage } from '../../core/types';
import { getPeopleEngine } from './embedder';
import { pixelImageToJpeg } from '../image';
import { recognizeOnDevice, type Recognition } from './recognize';
import { LiveLoop, VideoFrames } from '../live-loop.svelte';
import { loadServerApiKey } from '../server-key';
import { recognizeOnServer } from './remote';
import { loadGallery } from './store';

export type RecognitionMode = 'device' | 'server';

/** Camera frames are analysed at this size: enough for faces across a room, quick on WASM. */
const LIVE_MAX_SIDE = 640;

/** Recognises photos and camera frames on the device or on the server (the switch), with one result shape. */
export class Recognizer {
	mode = $state<RecognitionMode>('device');
	/** The live camera: one frame at a time, retried with a growing wait after an error (a server down). */
	readonly loop = new LiveLoop<Recognition>((frame) => this.recognize(frame));
	#gallery: Promise<PersonTemplate[]> | null = null;

	/** Call after people are added or deleted on this page. */
	invalidate(): void {
		this.#gallery = null;
	}

	async recognize(image: PixelImage): Promise<Recognition> {
		const started = performance.now();
		const size = { width: image.width, height: image.height };
		if (this.mode === 'server') {
			// Unsealed for each frame, never kept: once the data key is locked, the API key is unavailable too.
			const { faces, serverMs } = await recognizeOnServer(
				await pixelImageToJpeg(image),
				fetch,
				await loadServerApiKey()
			);
			return { mode: 'server', faces, ...size, ms: performance.now() - started, serverMs };
		}
		const { engine, policy } = await getPeopleEngine();
		this.#gallery ??= loadGallery(engine.info).catch((error: unknown) => {
			this.#gallery = null;
			throw error;
		});
		const faces = await recognizeOnDevice(engine, policy, await this.#gallery, image);
		return { mode: 'device', faces, ...size, ms: performance.now() - started };
	}

	/** Recognises the camera's frames until `stopLive` or the camera stops. */
	startLive(video: HTMLVideoElement): void {
		this.loop.start(new VideoFrames(video, LIVE_MAX_SIDE));
	}

	stopLive(): void {
		this.loop.stop();
	}
}

import type { PersonTemplate } from '../../core/gallery';
import type { PixelImage } from '../../core/types';
import { grabFrame } from '../image';
import { getPeopleEngine } from './engine';
import { pixelImageToJpeg } from './frame';
import { recognizeOnDevice, type Recognition } from './recognize';
import { settings } from '../settings.svelte';
import { recognizeOnServer } from './remote';
import { loadGallery } from './store';

export type RecognitionMode = 'device' | 'server';

/** Camera frames are analysed at this size: enough for faces across a room, quick on WASM. */
const LIVE_MAX_SIDE = 640;

/** Recognises photos and camera frames on the device or on the server (the switch), with one result shape. */
export class Recognizer {
	mode = $state<RecognitionMode>('device');
	live = $state.raw<Recognition | null>(null);
	liveFrames = $state(0);
	error = $state<unknown>(null);
	#gallery: Promise<PersonTemplate[]> | null = null;
	/** Only the newest live loop runs (a camera restart must not leave two loops behind). */
	#loop = 0;

	/** Call after people are added or deleted on this page. */
	invalidate(): void {
		this.#gallery = null;
	}

	async recognize(image: PixelImage): Promise<Recognition> {
		const started = performance.now();
		const size = { width: image.width, height: image.height };
		if (this.mode === 'server') {
			const { faces, serverMs } = await recognizeOnServer(
				await pixelImageToJpeg(image),
				fetch,
				settings.values.serverApiKey.trim()
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

	/** Analyses frames back to back while `running()` holds; each frame waits for the previous answer. */
	async runLive(video: HTMLVideoElement, running: () => boolean): Promise<void> {
		const loop = ++this.#loop;
		this.error = null;
		while (running() && loop === this.#loop) {
			if (video.readyState < 2) {
				await new Promise((done) => setTimeout(done, 50));
				continue;
			}
			try {
				this.live = await this.recognize(grabFrame(video, LIVE_MAX_SIDE));
				this.liveFrames++;
				this.error = null;
			} catch (error) {
				this.error = error;
				// A server that is down should not be hammered: wait before the next frame.
				await new Promise((done) => setTimeout(done, 1000));
			}
			await new Promise((done) => requestAnimationFrame(done));
		}
		if (loop === this.#loop) this.live = null;
	}
}

import type { PixelImage } from '../core/types';
import { canvasOf, ImageDecodeError } from './image';

/**
 * The live camera loop of the verify and people pages: frames analysed back to back, one at a time.
 *
 * - `start` while a loop runs does not start a second one (it only swaps the frame source);
 * - a frame still in flight when the loop is stopped and started again is waited for: the engine never gets
 *   two frames at once, and the stale answer is dropped;
 * - after an error the loop waits (500 ms, doubling up to 8 s) and tries again; a good frame resets the wait;
 * - it stops when asked (page left: call `stop` from the effect's cleanup) or when the source is no longer
 *   live (camera stopped or lost), and disposes the source it was given.
 */

/** Where frames come from: a camera (`VideoFrames`) or, in tests, anything that yields images. */
export interface FrameSource<F = PixelImage> {
	/** The next frame, or null while none is available yet (video still loading). */
	grab(): F | null;
	/** False once the source is gone for good (camera stopped or unplugged): the loop ends. */
	live(): boolean;
	/** Frees what the source holds (its canvas); called once when the loop lets the source go. */
	dispose(): void;
}

export interface LiveLoopOptions {
	/** First wait after an error; it doubles on each error in a row up to `maxRetryMs`. */
	retryMs?: number;
	maxRetryMs?: number;
	/** How often an idle loop (no frame available, or `ready()` false) looks again. */
	idleMs?: number;
	/** When false the loop idles without grabbing a frame (a liveness challenge has the engine). */
	ready?: () => boolean;
	/** Waits between two frames; the next animation frame in a page. */
	nextFrame?: () => Promise<void>;
}

export const LIVE_LOOP_DEFAULTS = { retryMs: 500, maxRetryMs: 8000, idleMs: 50 } as const;

const animationFrame = (): Promise<void> =>
	new Promise((done) =>
		typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => done()) : setTimeout(done, 16)
	);

export class LiveLoop<T, F = PixelImage> {
	/** A loop is running (from `start` until `stop`, or until its source ends). */
	running = $state(false);
	/** The newest frame's answer; null before the first one and after `stop`. */
	last = $state.raw<T | null>(null);
	/** Wall time of the newest frame, grab and step, in ms. */
	ms = $state<number | null>(null);
	/** Frames analysed since the page opened (benchmarks and tests read progress from it). */
	frames = $state(0);
	/** The newest step's error; cleared by the next good frame. */
	error = $state.raw<unknown>(null);
	/** Errors in a row (the retry wait grows with them). */
	failures = $state(0);

	readonly #step: (frame: F) => Promise<T>;
	readonly #options: Required<Omit<LiveLoopOptions, 'ready'>> & Pick<LiveLoopOptions, 'ready'>;
	#source: FrameSource<F> | null = null;
	/** Bumped by every start of a new loop and every stop: a loop whose number is old exits. */
	#generation = 0;
	/** The step in flight, whichever loop started it. */
	#inFlight: Promise<unknown> | null = null;
	/** Ends the current wait early (stop must not leave a loop sleeping for seconds). */
	#wake: (() => void) | null = null;

	constructor(step: (frame: F) => Promise<T>, options: LiveLoopOptions = {}) {
		this.#step = step;
		this.#options = { ...LIVE_LOOP_DEFAULTS, nextFrame: animationFrame, ...options };
	}

	/** Runs the loop on `source`; if one already runs it keeps running, on this source. */
	start(source: FrameSource<F>): void {
		if (this.#source !== source) {
			this.#source?.dispose();
			this.#source = source;
		}
		if (this.running) return;
		this.running = true;
		this.error = null;
		this.failures = 0;
		void this.#run(++this.#generation);
	}

	/** Ends the loop (a frame in flight finishes, its answer is dropped) and disposes the source. */
	stop(): void {
		this.#generation++;
		this.running = false;
		this.last = null;
		this.ms = null;
		this.#source?.dispose();
		this.#source = null;
		this.#wake?.();
	}

	async #run(generation: number): Promise<void> {
		const current = () => generation === this.#generation;
		// A frame of a loop stopped a moment ago may still be on the engine: one frame at a time.
		if (this.#inFlight) await this.#inFlight.catch(() => undefined);
		while (current()) {
			const source = this.#source;
			if (!source || !source.live()) break;
			try {
				const started = performance.now();
				const frame = this.#options.ready?.() === false ? null : source.grab();
				if (frame === null) {
					await this.#sleep(this.#options.idleMs);
					continue;
				}
				const step = this.#step(frame);
				this.#inFlight = step;
				let result: T;
				try {
					result = await step;
				} finally {
					if (this.#inFlight === step) this.#inFlight = null;
				}
				if (!current()) break;
				this.last = result;
				this.ms = performance.now() - started;
				this.frames++;
				this.error = null;
				this.failures = 0;
			} catch (error) {
				if (!current()) break;
				this.error = error;
				this.failures++;
				// A failing engine or a server that is down is not hammered: wait longer after each error.
				const { retryMs, maxRetryMs } = this.#options;
				await this.#sleep(Math.min(maxRetryMs, retryMs * 2 ** (this.failures - 1)));
				continue;
			}
			await this.#options.nextFrame();
		}
		// The source ended on its own (camera lost): let it go. A stop or a newer loop already did.
		if (current()) {
			this.running = false;
			this.last = null;
			this.#source?.dispose();
			this.#source = null;
		}
	}

	#sleep(ms: number): Promise<void> {
		return new Promise((done) => {
			const timer = setTimeout(finish, ms);
			function finish() {
				clearTimeout(timer);
				done();
			}
			this.#wake = finish;
		});
	}
}

/** Frames of a playing camera `<video>`, downscaled to `maxSide`, drawn on one canvas reused for every frame. */
export class VideoFrames implements FrameSource<PixelImage> {
	readonly #video: HTMLVideoElement;
	readonly #maxSide: number;
	#canvas: OffscreenCanvas | HTMLCanvasElement | null = null;

	constructor(video: HTMLVideoElement, maxSide: number) {
		this.#video = video;
		this.#maxSide = maxSide;
	}

	live(): boolean {
		const stream = this.#video.srcObject;
		return stream instanceof MediaStream && stream.active;
	}

	grab(): PixelImage | null {
		const video = this.#video;
		if (video.readyState < 2 || !video.videoWidth || !video.videoHeight) return null;
		const scale = Math.min(1, this.#maxSide / Math.max(video.videoWidth, video.videoHeight));
		const width = Math.max(1, Math.round(video.videoWidth * scale));
		const height = Math.max(1, Math.round(video.videoHeight * scale));
		this.#canvas ??= canvasOf(width, height);
		if (this.#canvas.width !== width || this.#canvas.height !== height) {
			this.#canvas.width = width;
			this.#canvas.height = height;
		}
		const ctx = this.#canvas.getContext('2d', { willReadFrequently: true }) as
			OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
		if (!ctx) throw new ImageDecodeError('2D canvas unavailable');
		ctx.imageSmoothingQuality = 'high';
		ctx.drawImage(video, 0, 0, width, height);
		return { width, height, channels: 4, data: ctx.getImageData(0, 0, width, height).data };
	}

	dispose(): void {
		// A zero-sized canvas releases its backing store at once instead of at the next collection.
		if (this.#canvas) {
			this.#canvas.width = 0;
			this.#canvas.height = 0;
		}
		this.#canvas = null;
	}
}

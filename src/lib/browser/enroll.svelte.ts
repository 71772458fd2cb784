import type { FaceEngine } from '../core/face-engine';
import type { FaceQuality, QualityIssue, QualityThresholds } from '../core/quality';
import { embedOneFace, type OneFace } from '../core/use-cases/one-face';
import type { DetectedFace, PixelImage } from '../core/types';
import { decodeFile, faceThumbnail, ImageDecodeError } from './image';
import { addSample, embedderKey, type Label } from './store';

/** The enrol queue: each photo is decoded, checked and embedded on the device, one at a time. */

export type RejectReason = 'NO_FACE' | 'BAD_IMAGE' | 'ERROR' | QualityIssue;

export interface Candidate {
	face: DetectedFace;
	cropUrl: string;
}

export interface EnrollItem {
	key: number;
	name: string;
	label: Label;
	status: 'queued' | 'processing' | 'saved' | 'rejected' | 'choose';
	reasons: RejectReason[];
	quality?: FaceQuality;
	cropUrl?: string;
	/** Several faces: the user picks one (the image is kept in memory only until then). */
	candidates?: Candidate[];
	sampleId?: number;
	/** Unexpected failure text (reason 'ERROR'). */
	message?: string;
}

interface Pending {
	item: EnrollItem;
	source: () => Promise<PixelImage>;
	/** The face already found in it (guided capture): detection is skipped. */
	face?: DetectedFace;
}

export interface EnrollContext {
	engine: () => Promise<FaceEngine>;
	thresholds: () => QualityThresholds;
	keepThumbnails: () => boolean;
}

export class EnrollQueue {
	items = $state<EnrollItem[]>([]);
	done = $state(0);
	total = $state(0);
	/** Samples written to the database by this queue (pages refresh their counts on it). */
	saved = $state(0);
	#pending: Pending[] = [];
	/** Images kept only while the user chooses a face (not reactive: never shown). */
	#images: Record<number, PixelImage> = {};
	#running = false;
	#nextKey = 1;
	#ctx: EnrollContext;

	constructor(ctx: EnrollContext) {
		this.#ctx = ctx;
	}

	get busy(): boolean {
		return this.done < this.total;
	}

	addFiles(files: Iterable<File>, label: Label): void {
		for (const file of files) this.#enqueue(file.name, label, () => decodeFile(file));
	}

	addFrame(image: PixelImage, label: Label, name: string): void {
		this.#enqueue(name, label, async () => image);
	}

	/** Frames chosen by a guided capture that passed liveness, each with its face already found. */
	addDetected(shots: Iterable<{ image: PixelImage; face: DetectedFace; name: string }>, label: Label): void {
		for (const shot of shots) this.#enqueue(shot.name, label, async () => shot.image, shot.face);
	}

	/** Enrols the face the user picked in a photo with several faces. */
	async choose(key: number, index: number): Promise<void> {
		const item = this.items.find((i) => i.key === key);
		const image = this.#images[key];
		if (!item || !image || !item.candidates) return;
		// A plain copy: the reactive proxy cannot be stored in IndexedDB (DataCloneError).
		const face = $state.snapshot(item.candidates[index].face) as DetectedFace;
		for (const [i, c] of item.candidates.entries()) if (i !== index) URL.revokeObjectURL(c.cropUrl);
		item.cropUrl = item.candidates[index].cropUrl;
		item.candidates = undefined;
		delete this.#images[key];
		try {
			await this.#accept(item, image, face);
		} catch (error) {
			this.#fail(item, error);
		}
	}

	/** Forgets the list shown on screen (saved samples stay in the database). */
	clear(): void {
		for (const item of this.items) {
			if (item.cropUrl) URL.revokeObjectURL(item.cropUrl);
			for (const c of item.candidates ?? []) URL.revokeObjectURL(c.cropUrl);
		}
		this.items = [];
		this.#images = {};
		this.done = this.total = 0;
	}

	#enqueue(name: string, label: Label, source: () => Promise<PixelImage>, face?: DetectedFace): void {
		const item: EnrollItem = { key: this.#nextKey++, name, label, status: 'queued', reasons: [] };
		this.items.push(item);
		// The proxied object, so later changes show on screen.
		this.#pending.push({ item: this.items[this.items.length - 1], source, face });
		this.total++;
		void this.#drain();
	}

	async #drain(): Promise<void> {
		if (this.#running) return;
		this.#running = true;
		try {
			for (let next = this.#pending.shift(); next; next = this.#pending.shift()) {
				try {
					await this.#process(next);
				} catch (error) {
					this.#fail(next.item, error);
				}
				this.done++;
				// Let the page paint the progress between photos.
				await new Promise((resolve) => setTimeout(resolve, 0));
			}
		} finally {
			this.#running = false;
		}
	}

	async #process({ item, source, face: known }: Pending): Promise<void> {
		item.status = 'processing';
		let image: PixelImage;
		try {
			image = await source();
		} catch (error) {
			if (!(error instanceof ImageDecodeError)) console.error(error);
			return this.#reject(item, ['BAD_IMAGE']);
		}
		if (known) {
			item.cropUrl = URL.createObjectURL(await faceThumbnail(image, known.box));
			return this.#accept(item, image, known);
		}
		const engine = await this.#ctx.engine();
		const result = await embedOneFace(engine, image, { quality: this.#ctx.thresholds() });
		if (result.status === 'no_face') return this.#reject(item, ['NO_FACE']);
		// A passer-by in the background is fine; only faces of similar size make the user choose.
		if (result.status === 'ambiguous') {
			item.candidates = await Promise.all(
				result.faces.map(async (face) => ({
					face,
					cropUrl: URL.createObjectURL(await faceThumbnail(image, face.box))
				}))
			);
			this.#images[item.key] = image;
			item.status = 'choose';
			return;
		}
		item.cropUrl = URL.createObjectURL(await faceThumbnail(image, result.face.box));
		await this.#save(item, image, result);
	}

	/** A face already chosen (by the user, or by a guided capture): the same gates, then stored. */
	async #accept(item: EnrollItem, image: PixelImage, face: DetectedFace): Promise<void> {
		item.status = 'processing';
		const engine = await this.#ctx.engine();
		await this.#save(
			item,
			image,
			await embedOneFace(engine, image, { quality: this.#ctx.thresholds(), chosen: face })
		);
	}

	async #save(item: EnrollItem, image: PixelImage, result: OneFace): Promise<void> {
		if (result.status === 'low_quality') {
			item.quality = result.quality;
			return this.#reject(item, result.quality.issues);
		}
		if (result.status !== 'ok') return this.#reject(item, ['NO_FACE']);
		const { face, embedding } = result;
		const quality = result.quality!; // gates are always passed here
		const engine = await this.#ctx.engine();
		item.quality = quality;
		const thumbnail = this.#ctx.keepThumbnails() ? await faceThumbnail(image, face.box, 64) : undefined;
		item.sampleId = await addSample({
			label: item.label,
			embedding,
			embedder: embedderKey(engine.info),
			source: item.name,
			box: [...face.box],
			quality: { faceSize: quality.faceSize, sharpness: quality.sharpness, yaw: quality.yaw },
			addedAt: Date.now(),
			...(thumbnail ? { thumbnail } : {})
		});
		item.status = 'saved';
		this.saved++;
	}

	#fail(item: EnrollItem, error: unknown): void {
		console.error('[me-verifier] enrol failed:', error);
		item.message = error instanceof Error ? error.message : String(error);
		this.#reject(item, ['ERROR']);
	}

	#reject(item: EnrollItem, reasons: RejectReason[]): void {
		item.status = 'rejected';
		item.reasons = reasons;
	}
}

import type { PixelImage } from '../../core/types';
import { getPeopleEngine } from './embedder';
import { checkPhoto, type RegisterReason } from './register';
import { registerFaces, type PersonRecord } from './store';

/** The registration form's state: a name and photos, each checked on the device before anything is saved. */

export interface DraftPhoto {
	key: number;
	source: string;
	status: 'checking' | 'ok' | 'rejected';
	reason?: RegisterReason;
	faces?: number;
	message?: string;
}

export class RegistrationDraft {
	name = $state('');
	photos = $state<DraftPhoto[]>([]);
	saving = $state(false);
	/** Embeddings stay out of reactive state: they are never shown. */
	#embeddings: Record<number, Float32Array> = {};
	#queue: Promise<void> = Promise.resolve();
	#nextKey = 1;

	get usable(): number {
		return this.photos.filter((p) => p.status === 'ok').length;
	}

	get checking(): boolean {
		return this.photos.some((p) => p.status === 'checking');
	}

	get canSave(): boolean {
		return this.name.trim() !== '' && this.usable > 0 && !this.checking && !this.saving;
	}

	/** Queues one photo; photos are analysed one at a time (the engine is serial anyway). */
	add(source: string, image: () => Promise<PixelImage>): void {
		const key = this.#nextKey++;
		this.photos.push({ key, source, status: 'checking' });
		this.#queue = this.#queue.then(async () => {
			let update: Omit<DraftPhoto, 'key' | 'source'>;
			try {
				const { engine } = await getPeopleEngine();
				const check = await checkPhoto(engine, source, image);
				if (check.status === 'ok') {
					this.#embeddings[key] = check.embedding;
					update = { status: 'ok' };
				} else {
					update = { status: 'rejected', reason: check.reason, faces: check.faces, message: check.message };
				}
			} catch (error) {
				update = { status: 'rejected', reason: 'ERROR', message: String(error) };
			}
			const index = this.photos.findIndex((p) => p.key === key);
			if (index >= 0) this.photos[index] = { ...this.photos[index], ...update };
		});
	}

	/** Stores the usable faces under the name; the photos themselves are dropped. */
	async save(): Promise<{ person: PersonRecord; created: boolean; faces: number }> {
		await this.#queue;
		this.saving = true;
		try {
			const { engine } = await getPeopleEngine();
			const faces = this.photos
				.filter((p) => p.status === 'ok' && p.key in this.#embeddings)
				.map((p) => ({ embedding: this.#embeddings[p.key], source: p.source }));
			const result = await registerFaces(this.name, faces, engine.info);
			this.clear();
			this.name = '';
			return { ...result, faces: faces.length };
		} finally {
			this.saving = false;
		}
	}

	clear(): void {
		this.photos = [];
		this.#embeddings = {};
	}
}

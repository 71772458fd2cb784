/**
 * One face engine per embedder id, loaded once per page and shared by every page that asks for it (verify,
 * enroll, train and people). A start that fails is forgotten, so the next call tries again.
 */
export class EngineRegistry<Id, Engine> {
	readonly #start: (id: Id) => Promise<Engine>;
	readonly #engines = new Map<Id, Promise<Engine>>();

	constructor(start: (id: Id) => Promise<Engine>) {
		this.#start = start;
	}

	get(id: Id): Promise<Engine> {
		let engine = this.#engines.get(id);
		if (!engine) {
			const starting: Promise<Engine> = this.#start(id).catch((error: unknown) => {
				// Only this start: after forget() a newer one may hold the id.
				if (this.#engines.get(id) === starting) this.#engines.delete(id);
				throw error;
			});
			engine = starting;
			this.#engines.set(id, engine);
		}
		return engine;
	}

	/** Forgets one engine (disposed), so the next call for it starts it again. */
	delete(id: Id): void {
		this.#engines.delete(id);
	}

	/** Forgets every engine (their runtime is gone), so the next call for each starts it again. */
	forget(): void {
		this.#engines.clear();
	}

	/** The ids whose engine is loaded or loading. */
	ids(): Id[] {
		return [...this.#engines.keys()];
	}
}

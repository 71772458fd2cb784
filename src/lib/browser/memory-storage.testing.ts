/** A Web Storage over a Map, for the unit tests that run in Node (localStorage, sessionStorage). */
export class MemoryStorage implements Storage {
	#items = new Map<string, string>();
	get length() {
		return this.#items.size;
	}
	clear() {
		this.#items.clear();
	}
	getItem(key: string) {
		return this.#items.get(key) ?? null;
	}
	key(index: number) {
		return [...this.#items.keys()][index] ?? null;
	}
	removeItem(key: string) {
		this.#items.delete(key);
	}
	setItem(key: string, value: string) {
		this.#items.set(key, String(value));
	}
	/** Everything stored, as one string to search. */
	dump(): string {
		return JSON.stringify([...this.#items]);
	}
}

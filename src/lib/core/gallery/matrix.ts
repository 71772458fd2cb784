import { CoreError } from '../errors';
import type { Candidate } from './match';
import type { PersonTemplate, ScoreStrategy } from './template';
import { simdKernel, type SimdKernel } from './simd';
import { meanDirection, normalize } from './vector';

/** The best and second-best person for one query (distinct people), as the 1:N decision needs them. */
export interface TopTwo {
	best: Candidate | null;
	runnerUp: Candidate | null;
}

/**
 * The gallery as one contiguous Float32 matrix of unit centroids (row i = person i), so a 1:N search is one
 * fused dot-product pass over memory instead of a loop over objects. People are added, replaced and removed
 * in place (a removed row is filled with the last one), so a change never rebuilds the matrix. Member
 * embeddings are kept only for the `max` strategy. With WebAssembly SIMD (Node, every current browser) the
 * matrix lives in the kernel's memory and one call scores every row; otherwise a plain JavaScript loop does.
 */
export class GalleryMatrix {
	private rows: Float32Array;
	private capacity: number;
	private count = 0;
	private readonly ids: string[] = [];
	private readonly names: string[] = [];
	private readonly members: (Float32Array[] | null)[] = [];
	private readonly slotOf = new Map<string, number>();
	private kernel: SimdKernel | null = null;
	/** Byte offset of the matrix in the kernel's memory (the query comes first). */
	private rowsAt = 0;

	constructor(
		/** Embedding size; 0 = taken from the first person added. */
		private dim = 0,
		initialCapacity = 64,
		options: { simd?: boolean } = {}
	) {
		this.capacity = Math.max(1, initialCapacity);
		this.useSimd = options.simd ?? true;
		this.rows = new Float32Array(0);
		if (dim > 0) this.allocate();
	}

	private readonly useSimd: boolean;

	/** Whether the WebAssembly SIMD kernel scores this gallery (false: the JavaScript loop). */
	get simd(): boolean {
		return this.kernel !== null;
	}

	private allocate(): void {
		this.kernel = this.useSimd && this.dim % 4 === 0 ? simdKernel() : null;
		if (this.kernel) {
			this.rowsAt = Math.ceil((this.dim * 4) / 16) * 16;
			this.ensureKernelMemory();
		} else {
			this.rows = new Float32Array(this.capacity * this.dim);
		}
	}

	/** Query, then the matrix, then one score per row; grows the memory (keeping the rows) when needed. */
	private ensureKernelMemory(): void {
		const memory = this.kernel!.memory;
		const needed = this.rowsAt + this.capacity * this.dim * 4 + this.capacity * 4;
		const pages = Math.ceil(needed / 65536) - memory.buffer.byteLength / 65536;
		if (pages > 0) memory.grow(pages);
		this.rows = new Float32Array(memory.buffer, this.rowsAt, this.capacity * this.dim);
	}

	get size(): number {
		return this.count;
	}

	get dimension(): number {
		return this.dim;
	}

	/** Bytes held by the centroid matrix (allocated capacity, not only the rows in use). */
	get matrixBytes(): number {
		return this.capacity * this.dim * 4;
	}

	has(id: string): boolean {
		return this.slotOf.has(id);
	}

	/** Adds or replaces a person from their embeddings (any length; made unit here). */
	set(id: string, name: string, embeddings: readonly ArrayLike<number>[], keepMembers = true): void {
		if (embeddings.length === 0) return void this.delete(id);
		const members = embeddings.map((e) => normalize(e));
		this.setCentroid(id, name, meanDirection(members), keepMembers ? members : null);
	}

	/** Adds or replaces a person by an already unit-length centroid (the benchmark's synthetic templates). */
	setCentroid(
		id: string,
		name: string,
		centroid: ArrayLike<number>,
		members: Float32Array[] | null = null
	): void {
		if (this.dim === 0) {
			this.dim = centroid.length;
			this.allocate();
		}
		if (centroid.length !== this.dim) {
			throw new CoreError('MODEL_INCOMPATIBLE', `embedding sizes differ: ${centroid.length} vs ${this.dim}`);
		}
		let slot = this.slotOf.get(id);
		if (slot === undefined) {
			if (this.count === this.capacity) this.grow();
			slot = this.count++;
			this.slotOf.set(id, slot);
			this.ids[slot] = id;
		}
		this.names[slot] = name;
		this.members[slot] = members;
		this.rows.set(centroid, slot * this.dim);
	}

	delete(id: string): boolean {
		const slot = this.slotOf.get(id);
		if (slot === undefined) return false;
		const last = --this.count;
		if (slot !== last) {
			this.rows.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
			this.ids[slot] = this.ids[last];
			this.names[slot] = this.names[last];
			this.members[slot] = this.members[last];
			this.slotOf.set(this.ids[slot], slot);
		}
		this.ids.length = this.names.length = this.members.length = last;
		this.slotOf.delete(id);
		return true;
	}

	clear(): void {
		this.count = 0;
		this.ids.length = this.names.length = this.members.length = 0;
		this.slotOf.clear();
	}

	private grow(): void {
		this.capacity *= 2;
		if (this.kernel) return this.ensureKernelMemory();
		const next = new Float32Array(this.capacity * this.dim);
		next.set(this.rows.subarray(0, this.count * this.dim));
		this.rows = next;
	}

	/**
	 * The two best distinct people for a unit-length query. `centroid`: one pass over the matrix, four rows'
	 * worth of independent sums per step. `max`: each person's closest member photo (kept for that purpose).
	 */
	topTwo(unitQuery: Float32Array, strategy: ScoreStrategy = 'centroid'): TopTwo {
		if (this.count === 0) return { best: null, runnerUp: null };
		if (unitQuery.length !== this.dim) {
			throw new CoreError('MODEL_INCOMPATIBLE', `embedding sizes differ: ${unitQuery.length} vs ${this.dim}`);
		}
		let bestSlot = -1;
		let best = -Infinity;
		let secondSlot = -1;
		let second = -Infinity;
		const offer = (slot: number, score: number) => {
			if (slot === bestSlot) {
				if (score > best) best = score;
			} else if (score > best) {
				secondSlot = bestSlot;
				second = best;
				bestSlot = slot;
				best = score;
			} else if (score > second) {
				secondSlot = slot;
				second = score;
			}
		};
		if (strategy === 'max' && this.members.every((m) => m !== null)) {
			for (let slot = 0; slot < this.count; slot++) {
				for (const member of this.members[slot]!) offer(slot, dotAt(member, 0, unitQuery, this.dim));
			}
		} else if (this.kernel) {
			const { memory, scores } = this.kernel;
			new Float32Array(memory.buffer, 0, this.dim).set(unitQuery);
			const outAt = this.rowsAt + this.capacity * this.dim * 4;
			scores(this.rowsAt, 0, this.dim, this.count, outAt);
			const out = new Float32Array(memory.buffer, outAt, this.count);
			for (let slot = 0; slot < out.length; slot++) {
				const score = out[slot];
				if (score > second) offer(slot, score);
			}
		} else {
			const rows = this.rows;
			const dim = this.dim;
			for (let slot = 0, base = 0; slot < this.count; slot++, base += dim) {
				const score = dotAt(rows, base, unitQuery, dim);
				// Most rows score below the runner-up: only the others pay for the bookkeeping.
				if (score > second) offer(slot, score);
			}
		}
		const candidate = (slot: number, score: number): Candidate | null =>
			slot < 0 ? null : { id: this.ids[slot], name: this.names[slot], score };
		return { best: candidate(bestSlot, best), runnerUp: candidate(secondSlot, second) };
	}

	/** Copies out as templates (tests, listings); the matcher itself never needs them. */
	toTemplates(): PersonTemplate[] {
		const out: PersonTemplate[] = [];
		for (let slot = 0; slot < this.count; slot++) {
			const centroid = this.rows.slice(slot * this.dim, (slot + 1) * this.dim);
			out.push({
				id: this.ids[slot],
				name: this.names[slot],
				centroid,
				members: this.members[slot] ?? [centroid]
			});
		}
		return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	}

	static fromTemplates(templates: readonly PersonTemplate[]): GalleryMatrix {
		const matrix = new GalleryMatrix(templates[0]?.centroid.length ?? 0, Math.max(64, templates.length));
		for (const t of templates) matrix.setCentroid(t.id, t.name, t.centroid, t.members);
		return matrix;
	}
}

/** Dot product of `rows[base .. base+dim)` with `q`, unrolled by four (independent partial sums). */
function dotAt(rows: Float32Array, base: number, q: Float32Array, dim: number): number {
	let s0 = 0;
	let s1 = 0;
	let s2 = 0;
	let s3 = 0;
	let i = 0;
	const end = dim - 3;
	for (; i < end; i += 4) {
		s0 += rows[base + i] * q[i];
		s1 += rows[base + i + 1] * q[i + 1];
		s2 += rows[base + i + 2] * q[i + 2];
		s3 += rows[base + i + 3] * q[i + 3];
	}
	for (; i < dim; i++) s0 += rows[base + i] * q[i];
	return s0 + s1 + s2 + s3;
}

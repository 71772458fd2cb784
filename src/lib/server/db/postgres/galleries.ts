import pg from 'pg';
import { GalleryMatrix } from '../../../core/gallery';
import type { TemplateCipher } from '../../secrets/template-cipher';
import type { EmbedderRef } from '../types';
import { blobToVector } from '../vectors';

export type OwnerKind = 'people' | 'users';

const SOURCES: Record<OwnerKind, { table: string; owners: string; owner: string; ownerType: string }> = {
	people: { table: 'person_embeddings', owners: 'people', owner: 'person_id', ownerType: 'text' },
	users: { table: 'user_embeddings', owners: 'users', owner: 'user_id', ownerType: 'bigint' }
};

/** Rows per page when a replica loads a whole gallery (at start, or after it lost its notifications). */
export const PAGE_ROWS = 5000;
/** Owners per query when only changed people are reloaded. */
const OWNERS_PER_QUERY = 500;

interface Entry {
	matrix: GalleryMatrix;
	/** Everything must be reloaded (first use, a lost notification connection, a key rotation). */
	stale: boolean;
	/** Owners whose rows changed since the last refresh (their ids, as strings). */
	dirty: Set<string>;
	/** Refreshes run one at a time per gallery. */
	refreshing: Promise<void> | null;
}

/**
 * Each replica's in-memory galleries (one contiguous matrix per owner kind and model). Loaded in pages on first
 * use; after that only the people named by change notifications (or by this replica's own writes) are read
 * again. While the notification connection is down nothing can be trusted, so every read reloads everything.
 */
export class GalleryCache {
	private readonly entries = new Map<string, Entry>();
	/** False while LISTEN is not established: galleries are then reloaded whole on every read. */
	listening = false;

	constructor(
		private readonly pool: pg.Pool,
		private readonly cipher: TemplateCipher
	) {}

	private entry(kind: OwnerKind, model: EmbedderRef): Entry {
		const key = `${kind}\u0000${model.embedder}\u0000${model.version}`;
		let entry = this.entries.get(key);
		if (!entry) {
			entry = { matrix: new GalleryMatrix(), stale: true, dirty: new Set(), refreshing: null };
			this.entries.set(key, entry);
		}
		return entry;
	}

	/** Someone's templates changed (a notification, or this replica's own write). */
	changed(kind: OwnerKind, ownerId: string): void {
		for (const [key, entry] of this.entries) if (key.startsWith(`${kind}\u0000`)) entry.dirty.add(ownerId);
	}

	invalidateAll(): void {
		for (const entry of this.entries.values()) entry.stale = true;
	}

	async gallery(kind: OwnerKind, model: EmbedderRef): Promise<GalleryMatrix> {
		const entry = this.entry(kind, model);
		if (!this.listening) entry.stale = true;
		// Wait for a refresh in progress, then refresh again if more changes arrived meanwhile.
		while (entry.refreshing) await entry.refreshing;
		if (entry.stale || entry.dirty.size > 0) {
			entry.refreshing = this.refresh(kind, model, entry).finally(() => (entry.refreshing = null));
			await entry.refreshing;
		}
		return entry.matrix;
	}

	private async refresh(kind: OwnerKind, model: EmbedderRef, entry: Entry): Promise<void> {
		if (entry.stale) {
			// Taken before the read: a change committed during the load is reloaded next time, never lost.
			entry.stale = false;
			entry.dirty.clear();
			try {
				entry.matrix = await this.loadAll(kind, model);
			} catch (error) {
				entry.stale = true;
				throw error;
			}
			return;
		}
		const ids = [...entry.dirty];
		entry.dirty.clear();
		try {
			for (let i = 0; i < ids.length; i += OWNERS_PER_QUERY) {
				const chunk = ids.slice(i, i + OWNERS_PER_QUERY);
				const found = await this.loadOwners(kind, model, chunk);
				for (const id of chunk) {
					const owner = found.get(id);
					if (owner) entry.matrix.set(id, owner.name, owner.vectors);
					else entry.matrix.delete(id);
				}
			}
		} catch (error) {
			for (const id of ids) entry.dirty.add(id);
			throw error;
		}
	}

	/** Every owner with embeddings of this model, read in pages of PAGE_ROWS rows (keyset pagination). */
	private async loadAll(kind: OwnerKind, model: EmbedderRef): Promise<GalleryMatrix> {
		const s = SOURCES[kind];
		const matrix = new GalleryMatrix();
		let lastEmbedding = 0;
		const owners = new Map<string, { name: string; vectors: Float32Array[] }>();
		for (;;) {
			// Ordered by embedding id: each owner's rows are collected across pages, then added in one go.
			const { rows } = await this.pool.query(
				`SELECT e.id AS row_id, e.${s.owner}::text AS owner_id, o.name, e.vector, e.key_id
				 FROM ${s.table} e JOIN ${s.owners} o ON o.id = e.${s.owner}
				 WHERE e.embedder = $1 AND e.embedder_version = $2 AND e.id > $3
				 ORDER BY e.id LIMIT ${PAGE_ROWS}`,
				[model.embedder, model.version, lastEmbedding]
			);
			for (const row of rows) {
				const vector = blobToVector(this.cipher.decrypt(new Uint8Array(row.vector), row.key_id));
				const owner = owners.get(row.owner_id);
				if (owner) owner.vectors.push(vector);
				else owners.set(row.owner_id, { name: row.name, vectors: [vector] });
				lastEmbedding = row.row_id;
			}
			if (rows.length < PAGE_ROWS) break;
		}
		for (const [id, owner] of owners) matrix.set(id, owner.name, owner.vectors);
		return matrix;
	}

	private loadOwners(kind: OwnerKind, model: EmbedderRef, ids: string[]) {
		return loadOwners(this.pool, this.cipher, kind, model, ids);
	}
}

/** These owners' templates of this model, decrypted (owners with none are missing from the map). */
export async function loadOwners(
	client: pg.Pool | pg.ClientBase,
	cipher: TemplateCipher,
	kind: OwnerKind,
	model: EmbedderRef,
	ids: string[]
): Promise<Map<string, { name: string; vectors: Float32Array[] }>> {
	const s = SOURCES[kind];
	const { rows } = await client.query(
		`SELECT e.${s.owner}::text AS owner_id, o.name, e.vector, e.key_id
		 FROM ${s.table} e JOIN ${s.owners} o ON o.id = e.${s.owner}
		 WHERE e.embedder = $1 AND e.embedder_version = $2 AND e.${s.owner} = ANY($3::${s.ownerType}[])
		 ORDER BY e.id`,
		[model.embedder, model.version, ids]
	);
	const found = new Map<string, { name: string; vectors: Float32Array[] }>();
	for (const row of rows) {
		const owner = found.get(row.owner_id) ?? { name: row.name as string, vectors: [] as Float32Array[] };
		owner.vectors.push(blobToVector(cipher.decrypt(new Uint8Array(row.vector), row.key_id)));
		found.set(row.owner_id, owner);
	}
	return found;
}

/** The notification channel migration 5's triggers send on. */
export const CHANGES_CHANNEL = 'me_verifier_changes';

/**
 * A dedicated connection that LISTENs for other replicas' (and this one's) committed changes and marks the
 * owners named dirty. When the connection drops, the galleries stop trusting their contents (every read reloads)
 * until it is back, and everything is reloaded once after reconnecting: a notification missed is never a stale
 * template.
 */
export class ChangeListener {
	private client: pg.Client | null = null;
	private closed = false;
	private retry: NodeJS.Timeout | null = null;

	constructor(
		private readonly config: pg.ClientConfig,
		private readonly galleries: GalleryCache
	) {}

	async start(): Promise<void> {
		const client = new pg.Client({ ...this.config, application_name: 'me-verifier-listen' });
		client.on('notification', (message) => {
			const payload = message.payload ?? '';
			const colon = payload.indexOf(':');
			const kind = payload.slice(0, colon);
			if (kind === 'people' || kind === 'users') this.galleries.changed(kind, payload.slice(colon + 1));
		});
		client.on('error', (error) => this.lost(client, error));
		client.on('end', () => this.lost(client, new Error('connection ended')));
		await client.connect();
		await client.query(`LISTEN ${CHANGES_CHANNEL}`);
		this.client = client;
		// Whatever happened while not listening is unknown: reload everything once.
		this.galleries.invalidateAll();
		this.galleries.listening = true;
	}

	private lost(client: pg.Client, error: Error): void {
		if (this.client !== client) return;
		this.client = null;
		this.galleries.listening = false;
		this.galleries.invalidateAll();
		client.end().catch(() => undefined);
		if (this.closed) return;
		console.warn(`[me-verifier] lost the PostgreSQL change notifications (${error.message}); reconnecting`);
		this.reconnect(500);
	}

	private reconnect(delayMs: number): void {
		this.retry = setTimeout(() => {
			this.retry = null;
			if (this.closed) return;
			this.start().catch(() => this.reconnect(Math.min(delayMs * 2, 10_000)));
		}, delayMs);
		this.retry.unref();
	}

	async close(): Promise<void> {
		this.closed = true;
		this.galleries.listening = false;
		if (this.retry) clearTimeout(this.retry);
		const client = this.client;
		this.client = null;
		await client?.end().catch(() => undefined);
	}
}

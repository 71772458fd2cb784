import { CoreError } from '../../core/errors';
import type { GalleryMatrix } from '../../core/gallery';
import { countEmbeddings, galleryOf, insertEmbeddings, PERSON_EMBEDDINGS } from './embedding-table';
import type { SqliteDb } from './sqlite';
import type { PersonEnrolment, PeopleStore, PersonRow, PersonSummary } from './store';
import type { EmbedderRef, NewEmbedding } from './types';

const SUMMARY_SQL = `
	SELECT p.id, p.name, p.created_at, p.updated_at,
		COALESCE(SUM(e.embedder = @embedder AND e.embedder_version = @version), 0) AS embeddings,
		COALESCE(SUM(NOT (e.embedder = @embedder AND e.embedder_version = @version)), 0) AS other_model_embeddings
	FROM people p LEFT JOIN person_embeddings e ON e.person_id = p.id`;

/** PeopleStore on SQLite. Each method runs synchronously to the end, so a transaction never spans an await. */
export class SqlitePeopleStore implements PeopleStore {
	constructor(private readonly db: SqliteDb) {}

	private getSync(id: string): PersonRow | null {
		return (this.db.prepare('SELECT * FROM people WHERE id = ?').get(id) as PersonRow | undefined) ?? null;
	}

	private findByNameSync(name: string): PersonRow | null {
		const row = this.db.prepare('SELECT * FROM people WHERE name = ? COLLATE NOCASE').get(name);
		return (row as PersonRow | undefined) ?? null;
	}

	async get(id: string): Promise<PersonRow | null> {
		return this.getSync(id);
	}

	async findByName(name: string): Promise<PersonRow | null> {
		return this.findByNameSync(name);
	}

	async list(model: EmbedderRef): Promise<PersonSummary[]> {
		const sql = `${SUMMARY_SQL} GROUP BY p.id ORDER BY p.name COLLATE NOCASE, p.id`;
		return this.db
			.prepare(sql)
			.all({ embedder: model.embedder, version: model.version }) as unknown as PersonSummary[];
	}

	async summary(id: string, model: EmbedderRef): Promise<PersonSummary | null> {
		const sql = `${SUMMARY_SQL} WHERE p.id = @id GROUP BY p.id`;
		const row = this.db.prepare(sql).get({ id, embedder: model.embedder, version: model.version });
		return (row as PersonSummary | undefined) ?? null;
	}

	async enroll(
		lookup: { id: string } | { name: string },
		create: { id: string; name: string },
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef
	): Promise<PersonEnrolment> {
		if (embeddings.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'No face embeddings to store.');
		const insertPerson = this.db.prepare('INSERT INTO people (id, name) VALUES (?, ?)');
		const touch = this.db.prepare(
			`UPDATE people SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`
		);
		return this.db
			.transaction((): PersonEnrolment => {
				let person = 'id' in lookup ? this.getSync(lookup.id) : this.findByNameSync(lookup.name);
				const created = !person;
				if (!person) {
					const clash = this.findByNameSync(create.name);
					if (clash)
						throw new CoreError('CONFLICT', `The name '${create.name}' belongs to person ${clash.id}.`);
					if (this.getSync(create.id))
						throw new CoreError('CONFLICT', `Person id '${create.id}' already exists.`);
					insertPerson.run(create.id, create.name);
					person = this.getSync(create.id)!;
				} else {
					touch.run(person.id);
				}
				insertEmbeddings(this.db, PERSON_EMBEDDINGS, person.id, embeddings, model);
				return { person: this.getSync(person.id)!, created, added: embeddings.length };
			})
			.immediate();
	}

	async delete(id: string): Promise<boolean> {
		const deleted = this.db.prepare('DELETE FROM people WHERE id = ?').run(id).changes > 0;
		if (deleted) this.db.checkpoint();
		return deleted;
	}

	async countEmbeddings(personId?: string): Promise<number> {
		return countEmbeddings(this.db, PERSON_EMBEDDINGS, personId);
	}

	async gallery(model: EmbedderRef): Promise<GalleryMatrix> {
		return galleryOf(this.db, PERSON_EMBEDDINGS, model);
	}

	/** SQLite has no vector index: always the whole gallery. */
	galleryFor(queries: readonly ArrayLike<number>[], model: EmbedderRef): Promise<GalleryMatrix> {
		return this.gallery(model);
	}

	async warm(model: EmbedderRef): Promise<void> {
		await this.gallery(model);
	}
}

import { CoreError } from '../../core/errors';
import type { PersonTemplate } from '../../core/gallery';
import type { Db } from './database';
import { countEmbeddings, insertEmbeddings, PERSON_EMBEDDINGS, templatesOf } from './embedding-table';
import type { EmbedderRef, EmbeddingCounts, NewEmbedding } from './types';

export interface PersonRow {
	id: string;
	name: string;
	created_at: string;
	updated_at: string;
}

export type PersonSummary = PersonRow & EmbeddingCounts;

export interface EnrollResult {
	person: PersonRow;
	created: boolean;
	added: number;
}

const SUMMARY_SQL = `
	SELECT p.id, p.name, p.created_at, p.updated_at,
		COALESCE(SUM(e.embedder = @embedder AND e.embedder_version = @version), 0) AS embeddings,
		COALESCE(SUM(NOT (e.embedder = @embedder AND e.embedder_version = @version)), 0) AS other_model_embeddings
	FROM people p LEFT JOIN person_embeddings e ON e.person_id = p.id`;

/** People of the multi-person gallery (seeds 002 and 004) and their embeddings. */
export class PeopleRepository {
	constructor(private readonly db: Db) {}

	get(id: string): PersonRow | null {
		return (this.db.prepare('SELECT * FROM people WHERE id = ?').get(id) as PersonRow | undefined) ?? null;
	}

	findByName(name: string): PersonRow | null {
		const row = this.db.prepare('SELECT * FROM people WHERE name = ? COLLATE NOCASE').get(name);
		return (row as PersonRow | undefined) ?? null;
	}

	list(model: EmbedderRef): PersonSummary[] {
		const sql = `${SUMMARY_SQL} GROUP BY p.id ORDER BY p.name COLLATE NOCASE, p.id`;
		return this.db
			.prepare(sql)
			.all({ embedder: model.embedder, version: model.version }) as unknown as PersonSummary[];
	}

	summary(id: string, model: EmbedderRef): PersonSummary | null {
		const sql = `${SUMMARY_SQL} WHERE p.id = @id GROUP BY p.id`;
		const row = this.db.prepare(sql).get({ id, embedder: model.embedder, version: model.version });
		return (row as PersonSummary | undefined) ?? null;
	}

	/**
	 * Adds embeddings to the person found by `lookup`, creating `create` when there is none, all in one
	 * transaction: if any row fails, neither the person nor any embedding is written.
	 */
	enroll(
		lookup: { id: string } | { name: string },
		create: { id: string; name: string },
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef
	): EnrollResult {
		if (embeddings.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'No face embeddings to store.');
		const insertPerson = this.db.prepare('INSERT INTO people (id, name) VALUES (?, ?)');
		const touch = this.db.prepare(
			`UPDATE people SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`
		);
		return this.db.transaction((): EnrollResult => {
			let person = 'id' in lookup ? this.get(lookup.id) : this.findByName(lookup.name);
			const created = !person;
			if (!person) {
				const clash = this.findByName(create.name);
				if (clash)
					throw new CoreError('CONFLICT', `The name '${create.name}' belongs to person ${clash.id}.`);
				if (this.get(create.id)) throw new CoreError('CONFLICT', `Person id '${create.id}' already exists.`);
				insertPerson.run(create.id, create.name);
				person = this.get(create.id)!;
			} else {
				touch.run(person.id);
			}
			insertEmbeddings(this.db, PERSON_EMBEDDINGS, person.id, embeddings, model);
			return { person: this.get(person.id)!, created, added: embeddings.length };
		})();
	}

	/** Deletes the person and (by cascade) every embedding of theirs; false when there was no such person. */
	delete(id: string): boolean {
		const deleted = this.db.prepare('DELETE FROM people WHERE id = ?').run(id).changes > 0;
		if (deleted) this.db.checkpoint();
		return deleted;
	}

	countEmbeddings(personId?: string): number {
		return countEmbeddings(this.db, PERSON_EMBEDDINGS, personId);
	}

	/** One template per person that has embeddings from this model; other models' vectors are ignored. */
	templates(model: EmbedderRef): readonly PersonTemplate[] {
		return templatesOf(this.db, PERSON_EMBEDDINGS, model);
	}
}

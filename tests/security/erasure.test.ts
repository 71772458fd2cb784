import { createDecipheriv, createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../helpers/server';
import { keysCommand, photos, send, startProduction } from './attack';

// Point 5 of issue 8 over HTTP: templates encrypted at rest (AES-256-GCM, key in a 0600 file, never in the
// database), erasure that leaves no byte of the deleted vectors in the database file or its WAL, key rotation.

let server: RunningServer;
let admin: string;
let secretsPath: string;

interface Row {
	owner: string;
	vector: Uint8Array;
	key_id: string;
	dim: number;
}

function rows(): Row[] {
	const db = new DatabaseSync(server.dbPath, { readOnly: true });
	try {
		const people = db.prepare('SELECT person_id AS owner, vector, key_id, dim FROM person_embeddings').all();
		const users = db
			.prepare('SELECT CAST(user_id AS TEXT) AS owner, vector, key_id, dim FROM user_embeddings')
			.all();
		return [...people, ...users] as unknown as Row[];
	} finally {
		db.close();
	}
}

function templateKey(): Buffer {
	return Buffer.from(JSON.parse(readFileSync(secretsPath, 'utf8')).template_key, 'base64');
}

function decrypt(blob: Uint8Array, key: Buffer): Float32Array {
	const bytes = Buffer.from(blob);
	const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
	decipher.setAAD(Buffer.from('me-verifier:template:v1'));
	decipher.setAuthTag(bytes.subarray(bytes.length - 16));
	const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
	return new Float32Array(plain.buffer, plain.byteOffset, plain.byteLength / 4);
}

/** Pieces of every stored form of a template: the ciphertext as stored, and the float bytes it decrypts to. */
function needles(row: Row, key: Buffer): Buffer[] {
	const blob = Buffer.from(row.vector);
	const vector = decrypt(row.vector, key);
	const plain = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
	const middle = Math.floor(blob.length / 2);
	const pieces = [
		blob.subarray(12, 44),
		blob.subarray(middle, middle + 32),
		blob.subarray(blob.length - 48),
		plain.subarray(64, 96)
	];
	if (pieces.some((p) => p.length !== 32 && p.length !== 48))
		throw new Error('template too short for the scan');
	return pieces;
}

/** The database file and whatever journal files sit beside it, as the disk holds them now. */
function onDisk(): Buffer {
	const files = ['', '-wal', '-journal', '-shm'].map((s) => server.dbPath + s).filter(existsSync);
	return Buffer.concat(files.map((f) => readFileSync(f)));
}

function countFound(list: Buffer[]): number {
	const disk = onDisk();
	return list.filter((n) => disk.includes(n)).length;
}

beforeAll(async () => {
	server = await startProduction();
	admin = server.apiKey!;
	secretsPath = path.join(path.dirname(server.dbPath), 'secrets.json');
	for (const [name, who] of [
		['Erin', 'amy'],
		['Keep', 'penny']
	]) {
		const files = [1, 2, 3].map((i) => `${who}/${who}${i}.png`);
		const answer = await send(server, '/register', { key: admin, body: photos({ name }, { images: files }) });
		expect(answer.status).toBe(201);
	}
});

afterAll(() => server?.stop());

describe('templates at rest', () => {
	it('are AES-256-GCM ciphertext under a key kept in a 0600 file, never in the database', () => {
		expect(statSync(secretsPath).mode & 0o777).toBe(0o600);
		const key = templateKey();
		const stored = rows();
		expect(stored).toHaveLength(6);
		const disk = onDisk();
		expect(disk.includes(key)).toBe(false);
		expect(disk.includes(Buffer.from(key.toString('base64')))).toBe(false);
		for (const row of stored) {
			expect(row.vector.byteLength).toBe(row.dim * 4 + 28);
			expect(row.key_id).toBe(createHash('sha256').update(key).digest('hex').slice(0, 16));
			const vector = decrypt(row.vector, key);
			const norm = Math.hypot(...vector);
			expect(norm).toBeGreaterThan(0.5); // a real embedding, not zeros
			// The float bytes themselves appear nowhere on disk.
			expect(disk.includes(Buffer.from(vector.buffer, vector.byteOffset, 64))).toBe(false);
		}
	});
});

describe('erasure', () => {
	it('after DELETE /people/{id} no byte of the deleted vectors is left in the database or its WAL', async () => {
		const key = templateKey();
		const people = await send(server, '/people', { method: 'GET', key: admin });
		const erin = people.json.people.find((p: { name: string }) => p.name === 'Erin');
		const doomed = rows().filter((r) => r.owner === erin.person_id);
		const kept = rows().filter((r) => r.owner !== erin.person_id);
		const doomedNeedles = doomed.flatMap((r) => needles(r, key)).filter((_, i) => i % 4 !== 3);
		const keptNeedles = kept.flatMap((r) => needles(r, key)).filter((_, i) => i % 4 !== 3);
		// The scan finds stored ciphertext (so finding nothing later means something).
		expect(countFound(doomedNeedles)).toBe(doomedNeedles.length);
		const deleted = await send(server, `/people/${erin.person_id}`, { method: 'DELETE', key: admin });
		expect(deleted.json).toMatchObject({ deleted: true, embeddings_removed: 3 });
		expect(countFound(doomedNeedles), server.output()).toBe(0);
		expect(countFound(keptNeedles)).toBe(keptNeedles.length);
	});

	it('deleting a face-login user erases their template the same way', async () => {
		const user = await send(server, '/registro-datos', {
			body: { nombre: 'Uma', correo: 'uma@example.com' }
		});
		await send(server, `/registro-imagenes/${user.json.id}`, {
			bearer: user.json.enrolment_token,
			body: photos({}, { images: ['raj/raj1.png', 'raj/raj2.png', 'raj/raj3.png'] })
		});
		const key = templateKey();
		const doomed = rows()
			.filter((r) => r.owner === String(user.json.id))
			.flatMap((r) => needles(r, key))
			.filter((_, i) => i % 4 !== 3);
		expect(doomed.length).toBe(9);
		expect(countFound(doomed)).toBe(doomed.length);
		expect((await send(server, `/usuarios/${user.json.id}`, { method: 'DELETE', key: admin })).status).toBe(
			200
		);
		expect(countFound(doomed)).toBe(0);
	});

	it('`npm run keys -- rotate-template-key` re-encrypts every row and drops the old key', async () => {
		await server.stop();
		const oldKey = templateKey();
		const before = rows();
		const oldNeedles = before.flatMap((r) => needles(r, oldKey)).filter((_, i) => i % 4 !== 3);
		const rotated = await keysCommand(server.dbPath, ['rotate-template-key']);
		expect(rotated.code, rotated.lines.join('\n')).toBe(0);
		expect(rotated.lines.at(-1)).toMatch(/re-encrypted 3 template rows/);
		const newKey = templateKey();
		expect(newKey.equals(oldKey)).toBe(false);
		expect(JSON.parse(readFileSync(secretsPath, 'utf8')).previous_template_keys).toEqual([]);
		expect(statSync(secretsPath).mode & 0o777).toBe(0o600);
		const after = rows();
		const newId = createHash('sha256').update(newKey).digest('hex').slice(0, 16);
		expect(after.every((r) => r.key_id === newId)).toBe(true);
		expect(after.map((r) => Array.from(decrypt(r.vector, newKey)))).toEqual(
			before.map((r) => Array.from(decrypt(r.vector, oldKey)))
		);
		expect(countFound(oldNeedles)).toBe(0);
	});
});

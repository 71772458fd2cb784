import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from './faces';

/**
 * A real PostgreSQL for tests, never a mock: TEST_DATABASE_URL if set (any server you run), otherwise a
 * throw-away cluster (`scripts/postgres/throwaway.sh`: Debian's postgresql package, a temp dir, a loopback
 * port), started once per test process and stopped when it exits. Each caller gets its own fresh database.
 */
let cluster: Promise<{ url: string; dir: string | null }> | null = null;

function hasInitdb(): boolean {
	if (process.env.PG_BINDIR && existsSync(path.join(process.env.PG_BINDIR, 'initdb'))) return true;
	try {
		return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
	} catch {
		return false;
	}
}

function startCluster(): { url: string; dir: string | null } {
	if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, dir: null };
	if (!hasInitdb()) {
		throw new Error(
			'PostgreSQL tests need a PostgreSQL server: install it (sudo apt-get install -y postgresql; ' +
				'npm test does it as root) or set TEST_DATABASE_URL=postgres://…'
		);
	}
	const dir = path.join('/tmp', `me-verifier-pg-test-${process.pid}-${randomBytes(3).toString('hex')}`);
	const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/postgres/throwaway.sh'), 'start', dir], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const url = /^DATABASE_URL=(.+)$/m.exec(out)?.[1];
	if (!url) throw new Error(`throwaway.sh printed no DATABASE_URL:\n${out}`);
	// Stopped once this process is gone, however it ends (test workers are killed, not exited): a detached
	// watchdog polls for it, then stops the cluster and removes its folder.
	const script = path.join(REPO_ROOT, 'scripts/postgres/throwaway.sh');
	const watch = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; bash '${script}' stop '${dir}'`;
	spawn('bash', ['-c', watch], { detached: true, stdio: 'ignore' }).unref();
	return { url, dir };
}

function withDatabase(url: string, database: string): string {
	const u = new URL(url);
	u.pathname = `/${database}`;
	return u.toString();
}

export interface TestDatabase {
	url: string;
	/** Drops the database (closing whatever still holds it). */
	drop(): Promise<void>;
}

/** A fresh, empty database on the test PostgreSQL. */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
	cluster ??= Promise.resolve().then(startCluster);
	const { url } = await cluster;
	const name = `me_verifier_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	try {
		await admin.query(`CREATE DATABASE ${name}`);
	} finally {
		await admin.end();
	}
	return {
		url: withDatabase(url, name),
		async drop() {
			const client = new pg.Client({ connectionString: url });
			await client.connect();
			try {
				await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			} finally {
				await client.end();
			}
		}
	};
}

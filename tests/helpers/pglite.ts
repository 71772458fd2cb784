import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PostgreSQL with pgvector where Debian ships none: PGlite (PostgreSQL compiled to WebAssembly, with the real
 * pgvector extension) served over the PostgreSQL wire protocol by pglite-socket, so the `pg` driver and the
 * server's store connect to it with a DATABASE_URL like to any PostgreSQL.
 *
 * Limits (it is one PostgreSQL backend behind a multiplexer): every connection shares one session, a transaction
 * holds the others back until it ends, and a NOTIFY reaches the connection that committed, not the one that
 * LISTENs. One server process on it works (its own writes refresh its galleries); replicas need a real server.
 */
export interface PgliteServer {
	url: string;
	db: PGlite;
	stop(): Promise<void>;
}

export async function startPglite(options: { vector?: boolean } = {}): Promise<PgliteServer> {
	const db = await PGlite.create(options.vector === false ? {} : { extensions: { vector } });
	const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
	await server.start();
	const port = (server as unknown as { port: number }).port;
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		db,
		async stop() {
			await server.stop();
			await db.close();
		}
	};
}

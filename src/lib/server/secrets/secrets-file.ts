import { randomBytes } from 'node:crypto';
import {
	chmodSync,
	existsSync,
	linkSync,
	mkdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import path from 'node:path';

/** What the secrets file holds: never in the database, readable by the server's user only (mode 0600). */
export interface SecretsFile {
	/** base64, 32 bytes: the key templates are encrypted with. */
	template_key: string;
	/** base64 keys still accepted for decryption while a rotation re-encrypts the rows. */
	previous_template_keys?: string[];
	/** base64url, 48 bytes: signs face-login tokens when JWT_SECRET is not set. */
	jwt_secret: string;
}

function fresh(): SecretsFile {
	return {
		template_key: randomBytes(32).toString('base64'),
		jwt_secret: randomBytes(48).toString('base64url')
	};
}

/**
 * Reads the secrets file, creating it (mode 0600) on first start. Several workers may start together:
 * the file is written aside and hard-linked into place, so exactly one version wins and nobody reads half a file.
 */
export function loadSecretsFile(file: string, warn: (line: string) => void = console.warn): SecretsFile {
	if (!existsSync(file)) {
		mkdirSync(path.dirname(file), { recursive: true });
		const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
		writeFileSync(temp, JSON.stringify(fresh(), null, '\t') + '\n', { mode: 0o600 });
		try {
			linkSync(temp, file);
			warn(
				`[me-verifier] created the secrets file ${path.basename(file)} (mode 0600): keep it out of backups you share.`
			);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		} finally {
			rmSync(temp, { force: true });
		}
	}
	const mode = statSync(file).mode & 0o777;
	if (mode & 0o077) {
		// Secrets readable by others are not secret: tighten rather than refuse, and say so.
		chmodSync(file, 0o600);
		warn(
			`[me-verifier] ${path.basename(file)} was readable by other users (mode ${mode.toString(8)}); set to 0600.`
		);
	}
	const parsed = JSON.parse(readFileSync(file, 'utf8')) as SecretsFile;
	if (!parsed.template_key || !parsed.jwt_secret) throw new Error(`${path.basename(file)} is missing a key.`);
	return parsed;
}

/** Replaces the file atomically, keeping mode 0600. */
export function writeSecretsFile(file: string, secrets: SecretsFile): void {
	const temp = `${file}.${process.pid}.tmp`;
	writeFileSync(temp, JSON.stringify(secrets, null, '\t') + '\n', { mode: 0o600 });
	renameSync(temp, file);
}

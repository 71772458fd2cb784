// Operator API keys and the template key: `npm run keys -- create --name NAME --scopes verify,recognize,manage`,
// `list`, `revoke ID|NAME`, `rotate-template-key`. Works on DATABASE_URL or DB_PATH (and SECRETS_PATH) like the server.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { API_SCOPES, createApiKey, parseScopes } from '../src/lib/server/auth/api-keys';
import { loadConfig } from '../src/lib/server/config';
import { openConfiguredStore, openStore } from '../src/lib/server/db/database';
import { loadSecretsFile, TemplateCipher, writeSecretsFile } from '../src/lib/server/secrets';

const USAGE = `Usage: npm run keys -- <command>
  create --name NAME --scopes ${API_SCOPES.join(',')}   prints the new key alone on the last line (shown once)
  list                                               every key: id, name, scopes, prefix, created, revoked
  revoke ID|NAME                                     revokes the key (every active key of that name)
  rotate-template-key                                new template key in the secrets file; re-encrypts every row
Stop the server before rotating: running workers only know the keys they started with.`;

function fail(message: string): never {
	console.error(message);
	process.exit(2);
}

async function rotateTemplateKey(): Promise<void> {
	const config = loadConfig();
	if (config.templateKey) {
		fail(
			'TEMPLATE_KEY is set in the environment: rotate by setting the new key in TEMPLATE_KEY and the old one in\n' +
				'TEMPLATE_KEYS_PREVIOUS, starting the server once (rows are re-encrypted at start), then removing the old key.'
		);
	}
	const secrets = loadSecretsFile(config.secretsPath);
	const next = randomBytes(32);
	const old = Buffer.from(secrets.template_key, 'base64');
	// The old key stays readable in the file until every row is re-encrypted: a crash in between loses nothing.
	writeSecretsFile(config.secretsPath, {
		...secrets,
		template_key: next.toString('base64'),
		previous_template_keys: [secrets.template_key, ...(secrets.previous_template_keys ?? [])]
	});
	const older = (secrets.previous_template_keys ?? []).map((k) => Buffer.from(k, 'base64'));
	const store = await openStore({
		databaseUrl: config.databaseUrl,
		dbPath: config.dbPath,
		cipher: new TemplateCipher(next, [old, ...older]),
		busyTimeoutMs: 5000
	});
	const changed = await store.reencryptRows();
	await store.close();
	writeSecretsFile(config.secretsPath, {
		...secrets,
		template_key: next.toString('base64'),
		previous_template_keys: []
	});
	console.log(
		`re-encrypted ${changed} template rows with the new key; the old key is gone from the secrets file.`
	);
}

async function main(): Promise<void> {
	// A command may wait for a running server's write; the server itself waits only briefly.
	process.env.DB_BUSY_TIMEOUT_MS ??= '5000';
	const { positionals, values } = parseArgs({
		allowPositionals: true,
		options: { name: { type: 'string' }, scopes: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
	});
	const [command, target] = positionals;
	if (values.help || !command) {
		console.log(USAGE);
		return;
	}
	if (command === 'rotate-template-key') return rotateTemplateKey();
	const store = await openConfiguredStore(loadConfig());
	try {
		if (command === 'create') {
			if (!values.name || !values.scopes) fail(USAGE);
			const { row, key } = await createApiKey(store, values.name, parseScopes(values.scopes));
			console.log(`created ${row.id} "${row.name}" with scopes ${row.scopes}. The key is shown only now:`);
			console.log(key);
		} else if (command === 'list') {
			const rows = await store.apiKeys.list();
			if (rows.length === 0) console.log('no keys (the server creates an admin key on its first start)');
			for (const r of rows) {
				const state = r.revoked_at ? `revoked ${r.revoked_at}` : 'active';
				console.log(`${r.id}\t${r.name}\t${r.scopes}\t${r.prefix}…\tcreated ${r.created_at}\t${state}`);
			}
		} else if (command === 'revoke') {
			if (!target) fail(USAGE);
			const revoked = await store.apiKeys.revoke(target);
			if (revoked === 0) fail(`no active key with id or name '${target}'`);
			console.log(`revoked ${revoked} key(s)`);
		} else {
			fail(USAGE);
		}
	} finally {
		await store.close();
	}
}

main().catch((error) => {
	console.error((error as Error).message);
	process.exit(1);
});

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { downloadText, exportPlainBackup, open, verifyPhoto } from './lib/app';
import { expect, importBackup, test } from './lib/fixtures';
import { ME, ME_HELD_OUT, OTHERS } from './lib/photos';
import { addVirtualPasskeyAuthenticator, rawStoreDigest, scanRawRecords } from './lib/vault';

/**
 * Templates sealed at rest (issue 12): the unlock methods and encrypted backups, on the data and settings pages
 * (no face model is loaded except for one verification). That raw records hold no embedding in clear is
 * checked where faces are enrolled (app.spec.ts, "enroll explains…") and registered (people.spec.ts).
 */

const PASSPHRASE = 'correct horse battery staple';
const STORED = `Stored: ${ME.length} me · ${OTHERS.length + 1} not me`;

/** The digests of the stored samples and models, as IndexedDB holds them. */
const rawDigests = (page: Page) =>
	Promise.all(['samples', 'models'].map((store) => rawStoreDigest(page, 'me-verifier', store)));

async function choosePassphrase(page: Page, passphrase: string, confirmation = passphrase): Promise<void> {
	await page.check('[data-testid=vault-choose-passphrase]');
	await page.fill('[data-testid=vault-passphrase]', passphrase);
	await page.fill('[data-testid=vault-passphrase-confirm]', confirmation);
	await page.click('[data-testid=vault-use-passphrase]');
}

test('passphrase: the key is re-wrapped (no record rewritten), asked after a reload, a wrong one refused; verifying still works', async ({
	page,
	trainedProfile
}) => {
	await importBackup(page, trainedProfile.trainedBackup);
	const before = await rawDigests(page);
	await open(page, '/settings');
	await expect(page.locator('[data-testid=vault-method]')).toHaveAttribute('data-method', 'device');
	await choosePassphrase(page, 'short');
	await expect(page.locator('[data-testid=vault-error]')).toHaveAttribute('data-code', 'WEAK_PASSPHRASE');
	await choosePassphrase(page, PASSPHRASE);
	await page.locator('[data-testid=vault-changed]').waitFor();
	await expect(page.locator('[data-testid=vault-method]')).toHaveAttribute('data-method', 'passphrase');
	expect(await rawDigests(page), 'stored samples and models after changing the method').toEqual(before);

	await open(page, '/data');
	await page.locator('[data-testid=unlock-panel][data-method=passphrase]').waitFor();
	expect(await page.locator('[data-testid=data-counts]').count(), 'nothing shown while locked').toBe(0);
	await page.fill('[data-testid=unlock-passphrase]', `${PASSPHRASE}!`);
	await page.click('[data-testid=unlock-submit]');
	await expect(page.locator('[data-testid=unlock-error]')).toHaveAttribute('data-code', 'WRONG_PASSPHRASE');
	await page.fill('[data-testid=unlock-passphrase]', PASSPHRASE);
	await page.click('[data-testid=unlock-submit]');
	await expect(page.locator('[data-testid=data-counts]')).toHaveText(STORED);
	await expect(page.locator('[data-testid=model-row]')).toHaveCount(1);

	// Moving inside the app keeps the page, and its unlocked key: the model is read and used.
	await page.click('nav a[href^="/verify"]');
	await page.locator('[data-testid=model-info]').waitFor({ timeout: 60_000 });
	const mine = await verifyPhoto(page, ME_HELD_OUT);
	expect(mine.verdicts[0]?.isMe, `John Salley is still me, score ${mine.verdicts[0]?.score}`).toBe(true);
});

test('backup: encrypted with a passphrase by default, imported into a fresh profile only with it', async ({
	page,
	newProfile,
	trainedProfile,
	tmp
}) => {
	const original = JSON.parse(await readFile(trainedProfile.trainedBackup, 'utf8'));
	await importBackup(page, trainedProfile.trainedBackup);
	await page.click('[data-testid=export-backup]');
	await expect(page.locator('[data-testid=data-message]'), 'no passphrase, no file').toHaveAttribute(
		'data-code',
		'PASSPHRASE_REQUIRED'
	);
	await page.fill('[data-testid=backup-passphrase]', PASSPHRASE);
	const sealed = await downloadText(page, '[data-testid=export-backup]');
	const file = JSON.parse(sealed.text);
	expect(file.format, 'backup format').toBe('me-verifier/sealed-backup');
	expect(file.kdf.iterations, 'PBKDF2 iterations').toBeGreaterThanOrEqual(600_000);
	expect(sealed.text.includes(path.basename(ME[0])), 'a file name in clear').toBe(false);
	expect(sealed.text.includes(String(original.samples[0].embedding[0])), 'an embedding value in clear').toBe(
		false
	);
	const sealedPath = path.join(tmp, 'sealed-backup.json');
	await writeFile(sealedPath, sealed.text);

	const fresh = await newProfile();
	await open(fresh, '/data');
	await fresh.locator('[data-testid=data-counts]').waitFor();
	await fresh.setInputFiles('[data-testid=import-backup]', sealedPath);
	const message = fresh.locator('[data-testid=data-message]');
	await expect(message).toHaveAttribute('data-code', 'PASSPHRASE_REQUIRED');
	await fresh.fill('[data-testid=backup-passphrase]', 'not the passphrase');
	await fresh.click('[data-testid=import-backup-decrypt]');
	await expect(message).toHaveAttribute('data-code', 'WRONG_PASSPHRASE');
	await expect(fresh.locator('[data-testid=data-counts]')).toHaveText('Stored: 0 me · 0 not me');
	await fresh.fill('[data-testid=backup-passphrase]', PASSPHRASE);
	await fresh.click('[data-testid=import-backup-decrypt]');
	await fresh.locator('[data-testid=data-message].ok').waitFor();
	await expect(fresh.locator('[data-testid=data-counts]')).toHaveText(STORED);
	const reexported = JSON.parse((await exportPlainBackup(fresh)).text);
	expect(JSON.stringify(reexported.samples), 'samples after the encrypted round trip').toBe(
		JSON.stringify(original.samples)
	);
});

test('passkey: WebAuthn PRF on a virtual authenticator unlocks the stored faces after a reload', async ({
	newProfile,
	server,
	trainedProfile
}) => {
	// WebAuthn refuses an IP address as the relying party: the same server, named localhost.
	const page = await newProfile({ baseURL: server.base.replace('127.0.0.1', 'localhost') });
	await addVirtualPasskeyAuthenticator(page);
	await importBackup(page, trainedProfile.trainedBackup);
	const before = await rawDigests(page);
	await open(page, '/settings');
	await page.check('[data-testid=vault-choose-passkey]');
	await page.click('[data-testid=vault-use-passkey]');
	await page.locator('[data-testid=vault-changed]').waitFor();
	await expect(page.locator('[data-testid=vault-method]')).toHaveAttribute('data-method', 'passkey');
	expect(await rawDigests(page), 'stored samples and models after changing the method').toEqual(before);

	await open(page, '/data');
	await page.locator('[data-testid=unlock-panel][data-method=passkey]').waitFor();
	expect(await page.locator('[data-testid=data-counts]').count(), 'nothing shown while locked').toBe(0);
	await page.click('[data-testid=unlock-passkey]');
	await expect(page.locator('[data-testid=data-counts]')).toHaveText(STORED);

	// And back to the device key: no prompt after a reload.
	await page.click('nav a[href^="/settings"]');
	await page.check('[data-testid=vault-choose-device]');
	await page.click('[data-testid=vault-use-device]');
	await expect(page.locator('[data-testid=vault-method]')).toHaveAttribute('data-method', 'device');
	await open(page, '/data');
	await expect(page.locator('[data-testid=data-counts]')).toHaveText(STORED);
	const scan = await scanRawRecords(page, [], ['John_Salley']);
	expect(scan.float32Arrays, 'Float32Arrays stored as such').toBe(0);
	expect(scan.found, 'file names in clear').toEqual([]);
});

import { describe, expect, it } from 'vitest';
import { readConfig } from './config';
import { isUnknownHost } from './security-headers';

describe('isUnknownHost (DNS rebinding)', () => {
	const allowed = readConfig({
		ALLOWED_HOSTS: 'App.Example., bücher.example',
		ORIGIN: 'https://faces.example.org/'
	}).allowedHosts;

	it('normalises ALLOWED_HOSTS and ORIGIN as a Host header is parsed, and refuses entries that are not names', () => {
		expect(allowed).toEqual(['app.example', 'xn--bcher-kva.example', 'faces.example.org']);
		for (const entry of ['https://app.example', 'app.example:443', 'app.example/x', 'user@app.example'])
			expect(() => readConfig({ ALLOWED_HOSTS: entry }), entry).toThrow(/ALLOWED_HOSTS/);
		expect(() => readConfig({ ORIGIN: 'not a url' })).toThrow(/ORIGIN/);
		expect(readConfig({ ORIGIN: '' }).allowedHosts).toEqual([]);
	});

	it('lets IP literals, localhost and the configured names through, in any case, with or without a port', () => {
		for (const host of [
			'127.0.0.1:3000',
			'0x7f.1',
			'[::1]:3000',
			'192.168.1.20',
			'localhost',
			'LOCALHOST:5173',
			'app.localhost',
			'app.example',
			'APP.EXAMPLE:8443',
			'app.example.',
			'faces.example.org',
			'xn--bcher-kva.example'
		])
			expect(isUnknownHost(host, allowed), host).toBe(false);
	});

	it('refuses other names, and Host headers that smuggle a user or a path', () => {
		for (const host of [
			'evil.example',
			'evil.example:3000',
			'localhost.evil.example',
			'app.example.evil.example',
			'evil.example@127.0.0.1',
			'127.0.0.1/evil',
			'127.0.0.1 evil',
			''
		])
			expect(isUnknownHost(host, allowed), host).toBe(true);
		expect(isUnknownHost('evil.example', ['*'])).toBe(false);
	});
});

import { describe, expect, it } from 'vitest';
import { importedChunks, workerChunks } from './worker-chunks';

const W = '/_app/immutable/workers';

describe('worker chunks', () => {
	it("reads the minified build's import forms, relative to the entry or to a chunk", () => {
		const entry = 'performance.mark(`x`);const{handleRequest:n}=await import(`./chunks/DaAKzrSs.js`);';
		expect(importedChunks(`${W}/engine-worker-CSez.js`, entry)).toEqual([`${W}/chunks/DaAKzrSs.js`]);
		const chunk = 'import{a as e}from"./BAAQ3PvR.js";const t=()=>import("./C4Og-FcpR.js"),u=\'./x.wasm\';';
		expect(importedChunks(`${W}/chunks/DaAKzrSs.js`, chunk)).toEqual([
			`${W}/chunks/BAAQ3PvR.js`,
			`${W}/chunks/C4Og-FcpR.js`
		]);
		expect(importedChunks(`${W}/chunks/a.js`, 'fetch("./../../../../secrets.js");import("/x/y.js")')).toEqual(
			[]
		);
	});

	it('follows imports through chunks, once each', async () => {
		const files: Record<string, string> = {
			[`${W}/entry.js`]: 'import(`./chunks/a.js`)',
			[`${W}/chunks/a.js`]: 'from"./b.js";import("./c.js")',
			[`${W}/chunks/b.js`]: 'from"./a.js"',
			[`${W}/chunks/c.js`]: ''
		};
		const read: string[] = [];
		const chunks = await workerChunks(
			[`${W}/entry.js`],
			async (path) => (read.push(path), files[path] ?? '')
		);
		expect(chunks.sort()).toEqual([`${W}/chunks/a.js`, `${W}/chunks/b.js`, `${W}/chunks/c.js`]);
		expect(read.sort()).toEqual(Object.keys(files).sort());
	});
});

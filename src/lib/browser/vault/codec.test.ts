import { describe, expect, it } from 'vitest';
import { pack, unpack } from './codec';

describe('record codec', () => {
	it('round-trips nested values, Float32Arrays bit-exactly and Blobs with their type', async () => {
		const embedding = Float32Array.from([0.1, -2.5e-8, Math.PI, -0]);
		const thumbnail = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
		const value = { label: 'me', embedding, nested: { list: [1, 'two', null], thumbnail }, n: 3 };
		const back = unpack<typeof value>(await pack(value));
		expect(back.embedding).toBeInstanceOf(Float32Array);
		expect(new Uint8Array(back.embedding.buffer)).toEqual(new Uint8Array(embedding.buffer));
		expect(back.nested.thumbnail.type).toBe('image/png');
		expect(new Uint8Array(await back.nested.thumbnail.arrayBuffer())).toEqual(
			new Uint8Array([137, 80, 78, 71])
		);
		expect(back.nested.list).toEqual([1, 'two', null]);
		expect(back.label).toBe('me');
	});
});

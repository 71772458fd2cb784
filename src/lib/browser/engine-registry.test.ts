import { describe, expect, it } from 'vitest';
import { EngineRegistry } from './engine-registry';

describe('the browser engine registry', () => {
	it('loads each embedder once, however many pages ask at once', async () => {
		const started: string[] = [];
		const registry = new EngineRegistry(async (id: string) => {
			started.push(id);
			await new Promise((done) => setTimeout(done, 5));
			return { id };
		});
		const [a, b, c] = await Promise.all([
			registry.get('dlib'),
			registry.get('dlib'),
			registry.get('faceres')
		]);
		expect(a).toBe(b);
		expect(c).not.toBe(a);
		expect(await registry.get('dlib')).toBe(a);
		expect(started).toEqual(['dlib', 'faceres']);
	});

	it('forgets a failed start so the next call tries again', async () => {
		let attempts = 0;
		const registry = new EngineRegistry(async (id: string) => {
			if (++attempts === 1) throw new Error('backend failed');
			return { id };
		});
		await expect(registry.get('dlib')).rejects.toThrow('backend failed');
		expect(registry.ids()).toEqual([]);
		expect(await registry.get('dlib')).toEqual({ id: 'dlib' });
		expect(attempts).toBe(2);
	});

	it('starts every engine again after forget() (their worker died)', async () => {
		let starts = 0;
		const registry = new EngineRegistry(async (id: string) => ({ id, start: ++starts }));
		const before = await registry.get('dlib');
		registry.forget();
		expect(registry.ids()).toEqual([]);
		const after = await registry.get('dlib');
		expect(after).not.toBe(before);
		expect(after.start).toBe(2);
	});
});

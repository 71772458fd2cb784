import { describe, expect, it } from 'vitest';
import { LiveLoop, type FrameSource } from './live-loop.svelte';

/** A frame source that counts its frames and can be ended (a camera that stops). */
function source(): FrameSource<number> & { ended: boolean; disposed: number; grabbed: number } {
	return {
		ended: false,
		disposed: 0,
		grabbed: 0,
		grab() {
			return ++this.grabbed;
		},
		live() {
			return !this.ended;
		},
		dispose() {
			this.disposed++;
		}
	};
}

/** A step whose answers the test releases one by one, recording how many frames are on it at once. */
function gatedStep() {
	const pending: { frame: number; release: (fail?: Error) => void }[] = [];
	const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
	const step = (frame: number) =>
		new Promise<string>((resolve, reject) => {
			stats.calls++;
			stats.inFlight++;
			stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
			pending.push({
				frame,
				release: (fail) => {
					stats.inFlight--;
					if (fail) reject(fail);
					else resolve(`frame ${frame}`);
				}
			});
		});
	/** Releases the oldest frame on the step. */
	const next = async (fail?: Error) => {
		await until(() => pending.length > 0);
		pending.shift()!.release(fail);
	};
	/** Answers whatever is still on the step (the end of a test). */
	const drain = () => {
		for (const p of pending.splice(0)) p.release();
	};
	return { step, stats, pending, next, drain };
}

const tick = () => new Promise<void>((done) => setTimeout(done, 0));

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await tick();
	}
}

const fast = { retryMs: 5, maxRetryMs: 40, idleMs: 1, nextFrame: tick };

describe('the live camera loop', () => {
	it('runs one loop when started twice while a frame is in flight', async () => {
		const { step, stats, next, drain } = gatedStep();
		const loop = new LiveLoop(step, fast);
		const camera = source();
		loop.start(camera);
		await until(() => stats.calls === 1);
		// A second start (an effect re-running, a camera restart) while the first frame is on the engine.
		loop.start(camera);
		loop.start(camera);
		await tick();
		expect(stats.calls).toBe(1);
		for (let i = 0; i < 5; i++) await next();
		await until(() => loop.frames === 5);
		expect(stats.maxInFlight).toBe(1);
		// One loop: one frame grabbed per answer (two loops would have grabbed about twice as many).
		expect(camera.grabbed).toBeLessThanOrEqual(6);
		loop.stop();
		drain();
	});

	it('waits for a stopped loop’s frame before the new loop sends one, and drops the stale answer', async () => {
		const { step, stats, pending, next, drain } = gatedStep();
		const loop = new LiveLoop(step, fast);
		const first = source();
		loop.start(first);
		await until(() => stats.calls === 1);
		loop.stop();
		expect(first.disposed).toBe(1);
		const second = source();
		loop.start(second);
		await tick();
		await tick();
		// The old frame is still on the engine: the new loop has not sent its own.
		expect(stats.calls).toBe(1);
		await next();
		await until(() => stats.calls === 2);
		expect(loop.last).toBeNull();
		expect(pending[0].frame).toBe(1);
		expect(second.grabbed).toBe(1);
		await next();
		await until(() => loop.frames === 1);
		expect(loop.last).toBe('frame 1');
		expect(stats.maxInFlight).toBe(1);
		loop.stop();
		drain();
	});

	it('retries after an error, waiting longer after each one in a row, and recovers', async () => {
		const { step, stats, next, drain } = gatedStep();
		const loop = new LiveLoop(step, { ...fast, retryMs: 20, maxRetryMs: 1000 });
		loop.start(source());
		const times: number[] = [];
		for (let i = 0; i < 3; i++) {
			await until(() => stats.inFlight === 1);
			times.push(performance.now());
			await next(new Error(`engine failed ${i}`));
			await until(() => loop.failures === i + 1);
			expect(loop.running).toBe(true);
			expect((loop.error as Error).message).toBe(`engine failed ${i}`);
		}
		await until(() => stats.inFlight === 1);
		times.push(performance.now());
		await next();
		await until(() => loop.frames === 1);
		expect(loop.error).toBeNull();
		expect(loop.failures).toBe(0);
		const gaps = times.slice(1).map((t, i) => t - times[i]);
		// 20, 40, 80 ms (timers may fire a millisecond early).
		expect(gaps[0]).toBeGreaterThanOrEqual(18);
		expect(gaps[1]).toBeGreaterThanOrEqual(38);
		expect(gaps[2]).toBeGreaterThanOrEqual(78);
		loop.stop();
		drain();
	});

	it('ends on its own when the camera is lost, and disposes the source', async () => {
		const { step, next, drain } = gatedStep();
		const loop = new LiveLoop(step, fast);
		const camera = source();
		loop.start(camera);
		await next();
		await until(() => loop.frames === 1);
		camera.ended = true;
		drain();
		await until(() => !loop.running);
		expect(camera.disposed).toBe(1);
		expect(loop.last).toBeNull();
	});

	it('idles while not ready; a restart does not wait out the old loop’s retry', async () => {
		let ready = false;
		const { step, stats, next, drain } = gatedStep();
		const loop = new LiveLoop(step, { ...fast, retryMs: 60_000, maxRetryMs: 60_000, ready: () => ready });
		const camera = source();
		loop.start(camera);
		await tick();
		await tick();
		expect(camera.grabbed).toBe(0);
		ready = true;
		await next(new Error('down'));
		await until(() => loop.failures === 1);
		const stopped = performance.now();
		loop.stop();
		loop.start(source());
		// The old loop's minute-long wait ended with the stop; the new loop runs now.
		await until(() => stats.calls === 2);
		expect(performance.now() - stopped).toBeLessThan(1000);
		expect(loop.error).toBeNull();
		loop.stop();
		drain();
	});
});

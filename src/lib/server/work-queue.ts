import { CoreError } from '../core/errors';

/**
 * Back-pressure for face work: at most `concurrency` requests run and `maxWaiting` wait, per worker; beyond
 * that a request is refused at once with 503 BUSY and Retry-After, instead of every client slowing down
 * together. Cheap routes (/healthz) never enter it, so they keep answering in milliseconds.
 */
export class WorkQueue {
	private running = 0;
	private readonly waiting: (() => void)[] = [];

	constructor(
		private readonly concurrency: number,
		private readonly maxWaiting: number
	) {}

	get load(): { running: number; waiting: number } {
		return { running: this.running, waiting: this.waiting.length };
	}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.concurrency) {
			if (this.waiting.length >= this.maxWaiting) {
				throw new CoreError('BUSY', 'The server is busy with other face requests; retry shortly.', {
					retryAfterSeconds: 2
				});
			}
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		} else {
			this.running++;
		}
		try {
			return await work();
		} finally {
			// Hand the slot straight to the next waiter (running stays the same), or free it.
			const next = this.waiting.shift();
			if (next) next();
			else this.running--;
		}
	}
}

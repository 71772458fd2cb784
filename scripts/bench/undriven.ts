/**
 * Warm starts timed with no automation attached to the page's workers. Playwright attaches to every new worker
 * before it runs (it pauses each one until its session is set up: the engine's worker and the WASM backend's
 * threads), and its locator waits compile its injected script on the page: costs no user pays. Here Chromium is
 * started with Playwright's own flags on the profile a first visit left, driven over a bare DevTools connection
 * that talks to the page only (navigate, then read the page's marks); the engine worker's marks are read after the
 * engine is ready, by attaching to it then.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium } from 'playwright-core';
import { ENGINE_READY_MARK, ENGINE_STAGE_MARKS } from '../../src/lib/browser/engine-ready-mark';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/e2e/lib/browser';
import { isEngineWorkerUrl, stagesOnPageClock, type EngineStage } from '../../tests/e2e/lib/first-visit';

/** The flags Playwright launches Chromium with (headless), read from a launch of its own. */
async function playwrightFlags(): Promise<string[]> {
	const server = await chromium.launchServer({
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS
	});
	try {
		return server.process().spawnargs.slice(1);
	} finally {
		await server.close();
	}
}

type Message = { id?: number; method?: string; params?: Record<string, unknown>; sessionId?: string };
type Reply = Message & { result?: Record<string, unknown>; error?: { message: string } };

class DevTools {
	#next = 1;
	readonly #pending = new Map<
		number,
		{ resolve(r: Record<string, unknown>): void; reject(e: Error): void }
	>();
	readonly #events: ((message: Message) => void)[] = [];
	private constructor(private readonly socket: WebSocket) {
		// A browser that dies answers nothing more: every call still waiting fails instead of hanging.
		socket.addEventListener('close', () => {
			for (const waiting of this.#pending.values())
				waiting.reject(new Error('the DevTools connection closed'));
			this.#pending.clear();
		});
		socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data)) as Reply;
			const waiting = message.id === undefined ? undefined : this.#pending.get(message.id);
			if (waiting) {
				this.#pending.delete(message.id!);
				if (message.error) waiting.reject(new Error(message.error.message));
				else waiting.resolve(message.result ?? {});
			} else for (const listener of this.#events) listener(message);
		});
	}

	static async connect(url: string): Promise<DevTools> {
		const socket = new WebSocket(url);
		await new Promise((resolve, reject) => {
			socket.addEventListener('open', resolve, { once: true });
			socket.addEventListener('error', reject, { once: true });
		});
		return new DevTools(socket);
	}

	send(method: string, params: Record<string, unknown> = {}, sessionId?: string) {
		if (this.socket.readyState !== WebSocket.OPEN)
			return Promise.reject(new Error('the DevTools connection is closed'));
		const id = this.#next++;
		this.socket.send(JSON.stringify({ id, method, params, sessionId }));
		return new Promise<Record<string, unknown>>((resolve, reject) =>
			this.#pending.set(id, { resolve, reject })
		);
	}

	onEvent(listener: (message: Message) => void) {
		this.#events.push(listener);
	}

	async evaluate<T>(expression: string, sessionId: string): Promise<T> {
		const { result } = (await this.send(
			'Runtime.evaluate',
			{ expression, returnByValue: true },
			sessionId
		)) as {
			result: { value: T };
		};
		return result.value;
	}

	close() {
		this.socket.close();
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const MARKS_EXPRESSION = (names: string[]) =>
	`({ origin: performance.timeOrigin, marks: ${JSON.stringify(names)}.map((n) => performance.getEntriesByName(n, 'mark')[0]?.startTime ?? null) })`;

export interface UndrivenBrowser {
	/** One warm start of `url`: the page's ready mark, and each engine step (page clock). */
	warmStart(url: string): Promise<{ ready: number; stages: Partial<Record<EngineStage, number>> }>;
	close(): Promise<void>;
}

/** Ends Chromium (if it still runs) and waits for it to exit. */
async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	await exited;
}

/** Chromium on `profile` (a closed Playwright persistent profile), one tab, no automation on its workers. */
export async function launchUndriven(profile: string): Promise<UndrivenBrowser> {
	const flags = (await playwrightFlags()).filter(
		(f) => f !== '--remote-debugging-pipe' && !f.startsWith('--user-data-dir=') && f !== 'about:blank'
	);
	const child: ChildProcess = spawn(
		CHROMIUM,
		// The window and language the driven profiles get by emulation (CONTEXT_OPTIONS).
		[
			...flags,
			`--user-data-dir=${profile}`,
			'--window-size=1200,900',
			'--lang=en-US',
			'--remote-debugging-port=0',
			'about:blank'
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] }
	);
	try {
		return await drive(child);
	} catch (error) {
		await stop(child);
		throw error;
	}
}

async function drive(child: ChildProcess): Promise<UndrivenBrowser> {
	const endpoint = await new Promise<string>((resolve, reject) => {
		let seen = '';
		child.stderr!.on('data', (chunk: Buffer) => {
			seen += chunk.toString();
			const found = seen.match(/DevTools listening on (ws:\/\/\S+)/);
			if (found) resolve(found[1]);
		});
		child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${seen.slice(-500)}`)));
	});
	const devtools = await DevTools.connect(endpoint);
	const { targetId } = (await devtools.send('Target.createTarget', { url: 'about:blank' })) as {
		targetId: string;
	};
	const { sessionId: page } = (await devtools.send('Target.attachToTarget', {
		targetId,
		flatten: true
	})) as { sessionId: string };
	const workers = new Map<string, string>(); // sessionId -> url
	devtools.onEvent((m) => {
		if (m.method === 'Target.attachedToTarget') {
			const { sessionId, targetInfo } = m.params as { sessionId: string; targetInfo: { url: string } };
			workers.set(sessionId, targetInfo.url);
		}
		if (m.method === 'Target.detachedFromTarget')
			workers.delete((m.params as { sessionId: string }).sessionId);
	});
	const stageNames = Object.values(ENGINE_STAGE_MARKS) as string[];
	const readyExpression = `({ origin: performance.timeOrigin, mark: performance.getEntriesByName(${JSON.stringify(ENGINE_READY_MARK)}, 'mark')[0]?.startTime ?? null, error: !!document.querySelector('[data-testid=engine-badge].error') })`;
	let lastOrigin = 0;
	return {
		async warmStart(url) {
			await devtools.send('Page.navigate', { url }, page);
			const deadline = Date.now() + 120_000;
			let ready: number | null = null;
			while (ready === null) {
				if (Date.now() > deadline) throw new Error('the engine did not get ready in 2 minutes');
				await sleep(100);
				const state = await devtools
					.evaluate<{ origin: number; mark: number | null; error: boolean }>(readyExpression, page)
					.catch(() => null); // the old document may be gone mid-call
				// The document before may still answer, its ready mark set: only the new document's counts.
				if (!state || state.origin === lastOrigin) continue;
				if (state.error) throw new Error('engine failed to load');
				if (state.mark !== null) {
					ready = state.mark;
					lastOrigin = state.origin;
				}
			}
			// The worker's own marks: attach to the page's workers now that they have run.
			await devtools.send(
				'Target.setAutoAttach',
				{ autoAttach: true, waitForDebuggerOnStart: false, flatten: true },
				page
			);
			await sleep(200);
			const timelines = [
				await devtools.evaluate<{ origin: number; marks: (number | null)[] }>(
					MARKS_EXPRESSION(stageNames),
					page
				)
			];
			// A worker of the page before may still be shutting down (it never answers): only this page's answers,
			// its timeline starting after the page's own.
			for (const [session, workerUrl] of workers) {
				if (!isEngineWorkerUrl(workerUrl)) continue;
				const timeline = await Promise.race([
					devtools.evaluate<{ origin: number; marks: (number | null)[] }>(
						MARKS_EXPRESSION(stageNames),
						session
					),
					sleep(1000).then(() => null)
				]);
				if (timeline && timeline.origin >= timelines[0].origin) timelines.push(timeline);
			}
			await devtools.send('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false }, page);
			for (const session of [...workers.keys()])
				await devtools.send('Target.detachFromTarget', { sessionId: session }).catch(() => undefined);
			return { ready, stages: stagesOnPageClock(timelines) };
		},
		async close() {
			devtools.close();
			await stop(child);
		}
	};
}

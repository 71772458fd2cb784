import type { FaceEngine } from '../../core/face-engine';
import {
	checkLiveness,
	FRAME_LIMITS,
	sameFaceThreshold,
	type CapturedFrame,
	type LivenessAction,
	type LivenessChallenge,
	type LivenessFailure,
	type LivenessResult
} from '../../core/liveness';
import type { DetectedFace, PixelImage } from '../../core/types';
import { captureChallenge } from './capture';
import { FailureLimiter } from './cooldown';

export type RunPhase = 'idle' | 'waiting' | 'capturing' | 'checking' | 'passed' | 'failed';

export interface RunOutcome {
	result: LivenessResult;
	/** The recorded frames (enrolment picks its photos from them); drop them when done. */
	frames: CapturedFrame[];
}

/**
 * One liveness challenge at a time, as reactive state for the guide: which step is on, its countdown,
 * the newest face boxes, then the verdict or what went wrong. Failures count towards the device's
 * cool-down (`limiter`).
 */
export class LivenessRun {
	phase = $state<RunPhase>('idle');
	actions = $state<LivenessAction[]>([]);
	stepMs = $state(4000);
	/** Steps the guidance has seen done. */
	done = $state(0);
	elapsedMs = $state(0);
	stepStartedAt = $state(0);
	faces = $state.raw<DetectedFace[]>([]);
	size = $state({ width: 640, height: 480 });
	failure = $state<LivenessFailure | null>(null);
	failedStep = $state<number | null>(null);
	/** Remaining cool-down, ms (0: a new check may start). */
	cooldownMs = $state(0);
	#limiter: FailureLimiter;
	#abort: AbortController | null = null;
	#ticker: ReturnType<typeof setInterval> | null = null;

	constructor(limiter: FailureLimiter) {
		this.#limiter = limiter;
		this.#tickCooldown();
	}

	get running(): boolean {
		return this.phase === 'waiting' || this.phase === 'capturing' || this.phase === 'checking';
	}

	/** The step being asked for now (null before the first frame and after the last step). */
	get current(): LivenessAction | null {
		return this.phase === 'capturing' && this.done < this.actions.length ? this.actions[this.done] : null;
	}

	/** Whole seconds left for the current step. */
	get secondsLeft(): number {
		return Math.max(0, Math.ceil((this.stepStartedAt + this.stepMs - this.elapsedMs) / 1000));
	}

	#tickCooldown(): void {
		this.cooldownMs = this.#limiter.remainingMs();
		if (this.cooldownMs <= 0 || this.#ticker) return;
		this.#ticker = setInterval(() => {
			this.cooldownMs = this.#limiter.remainingMs();
			if (this.cooldownMs <= 0 && this.#ticker) {
				clearInterval(this.#ticker);
				this.#ticker = null;
			}
		}, 250);
	}

	reset(): void {
		this.cancel();
		this.phase = 'idle';
		this.failure = null;
		this.failedStep = null;
		this.done = 0;
		this.faces = [];
	}

	cancel(): void {
		this.#abort?.abort();
		this.#abort = null;
	}

	dispose(): void {
		this.cancel();
		if (this.#ticker) clearInterval(this.#ticker);
		this.#ticker = null;
	}

	#fail(failure: LivenessFailure, step: number | null): void {
		this.failure = failure;
		this.failedStep = step;
		this.phase = 'failed';
		this.#limiter.fail();
		this.#tickCooldown();
	}

	/**
	 * Runs `challenge` on frames from `grab`: null when it was cancelled or is cooling down; otherwise the
	 * core's judgement of the recorded frames (the guidance shown meanwhile is only a preview).
	 */
	async run(
		engine: FaceEngine,
		grab: () => PixelImage | null,
		challenge: LivenessChallenge
	): Promise<RunOutcome | null> {
		this.#tickCooldown();
		if (this.cooldownMs > 0 || this.running) return null;
		this.reset();
		const abort = new AbortController();
		this.#abort = abort;
		this.actions = [...challenge.actions];
		this.stepMs = challenge.stepMs;
		this.elapsedMs = this.stepStartedAt = 0;
		this.phase = 'waiting';
		const capture = await captureChallenge({
			engine,
			grab,
			actions: challenge.actions,
			stepMs: challenge.stepMs,
			signal: abort.signal,
			onProgress: (p) => {
				if (abort.signal.aborted) return;
				this.phase = p.phase;
				this.done = p.done;
				this.elapsedMs = p.elapsedMs;
				this.stepStartedAt = p.stepStartedAt;
				this.faces = p.faces;
				this.size = p.size;
			}
		});
		if (capture.aborted) {
			this.phase = 'idle';
			return null;
		}
		if (capture.frames.length < FRAME_LIMITS.minFrames) {
			this.#fail(capture.early ?? 'no_face', 0);
			return null;
		}
		this.phase = 'checking';
		const result = await checkLiveness(engine, challenge, capture.frames, {
			now: Date.now(),
			sameFaceThreshold: sameFaceThreshold(engine.info)
		});
		if (abort.signal.aborted) {
			this.phase = 'idle';
			return null;
		}
		this.#abort = null;
		this.done = result.steps.filter((s) => s.doneAt !== null).length;
		if (result.passed) {
			this.#limiter.pass();
			this.phase = 'passed';
		} else this.#fail(result.failure ?? 'too_slow', result.failedStep);
		return { result, frames: capture.frames };
	}
}

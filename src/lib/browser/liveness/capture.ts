import type { FaceEngine } from '../../core/face-engine';
import {
	FRAME_LIMITS,
	judgeChallenge,
	type CapturedFrame,
	type FrameObservation,
	type LivenessAction,
	type LivenessFailure,
	type LivenessJudgement
} from '../../core/liveness';
import type { DetectedFace, PixelImage } from '../../core/types';
import { grabFrame } from '../image';

/**
 * The browser's half of a liveness challenge: records camera frames at a steady rate (about 10 per second)
 * while a second loop detects faces on the newest frame to guide the user. The guidance is only a preview:
 * the recorded frames are judged afterwards by the core's checkLiveness, which detects every one of them.
 */

/** Longest side of a recorded frame: enough for the detector and the embedder, 0.7 MB per frame. */
export const CAPTURE_MAX_SIDE = 480;
/** How long the user has to bring a face into view before the first step starts. */
export const WAIT_FOR_FACE_MS = 10_000;

export interface CaptureProgress {
	phase: 'waiting' | 'capturing';
	/** ms since the capture started (0 while waiting). */
	elapsedMs: number;
	/** Steps the guidance has seen done (a preview; the final check decides). */
	done: number;
	/** Capture time at which the current step's window opened. */
	stepStartedAt: number;
	/** The newest detection, for the overlay. */
	faces: DetectedFace[];
	size: { width: number; height: number };
}

export interface CaptureOutcome {
	frames: CapturedFrame[];
	/** Why the capture stopped early, as the guidance saw it (null: it ran to completion or passed). */
	early: LivenessFailure | null;
	aborted: boolean;
}

export interface CaptureOptions {
	engine: FaceEngine;
	/** Source of frames (the camera's video element in the app). */
	grab: () => PixelImage | null;
	actions: readonly LivenessAction[];
	stepMs: number;
	signal?: AbortSignal;
	onProgress?: (progress: CaptureProgress) => void;
	waitForFaceMs?: number;
}

/** A grab function for a playing video element (null until it has a frame). */
export function videoSource(video: HTMLVideoElement, maxSide = CAPTURE_MAX_SIDE): () => PixelImage | null {
	return () => (video.readyState >= 2 && video.videoWidth > 0 ? grabFrame(video, maxSide) : null);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Failures the guidance may stop on at once: more frames cannot undo them. */
const FINAL: readonly LivenessFailure[] = ['no_face', 'two_faces', 'face_changed', 'wrong_direction'];

/**
 * Frame interval that keeps the longest possible capture (every step using its whole window) under the
 * core's frame limit: 100 ms for three steps of 4 s, a little more for longer challenges.
 */
export function frameIntervalMs(steps: number, stepMs: number): number {
	return Math.max(100, Math.ceil((steps * stepMs) / (FRAME_LIMITS.maxFrames - 10)));
}

/** Waits until exactly one face is in view; false when none came in time (or the run was aborted). */
async function waitForFace(options: CaptureOptions): Promise<boolean> {
	const until = performance.now() + (options.waitForFaceMs ?? WAIT_FOR_FACE_MS);
	while (performance.now() < until && !options.signal?.aborted) {
		const image = options.grab();
		if (!image) {
			await sleep(50);
			continue;
		}
		const faces = await options.engine.detect(image);
		options.onProgress?.({
			phase: 'waiting',
			elapsedMs: 0,
			done: 0,
			stepStartedAt: 0,
			faces,
			size: { width: image.width, height: image.height }
		});
		if (faces.length === 1) return true;
		await sleep(100);
	}
	return false;
}

export async function captureChallenge(options: CaptureOptions): Promise<CaptureOutcome> {
	const { engine, actions, stepMs, signal } = options;
	if (!(await waitForFace(options)))
		return { frames: [], early: signal?.aborted ? null : 'no_face', aborted: !!signal?.aborted };

	const interval = frameIntervalMs(actions.length, stepMs);
	// Every step using its whole window, plus a little for the last frames.
	const budgetMs = actions.length * stepMs + 300;
	const frames: CapturedFrame[] = [];
	const observed: FrameObservation[] = [];
	const started = performance.now();
	let stopped = false;
	let early: LivenessFailure | null = null;
	let passedAt: number | null = null;

	// Recorder: one frame per interval on a fixed schedule, so a slow detection does not delay it.
	const recorder = (async () => {
		for (let n = 0; !stopped; n++) {
			const t = performance.now() - started;
			const image = options.grab();
			if (image) frames.push({ t: Math.round(t), image });
			if (t > budgetMs || frames.length >= FRAME_LIMITS.maxFrames) break;
			await sleep(Math.max(0, started + (n + 1) * interval - performance.now()));
		}
		stopped = true;
	})();

	// Guide: detects the newest recorded frame, judges what was seen so far, reports progress.
	let lastDetected = -1;
	let done = 0;
	let stepStartedAt = 0;
	while (!stopped && !signal?.aborted) {
		const index = frames.length - 1;
		if (index <= lastDetected) {
			await sleep(20);
			continue;
		}
		lastDetected = index;
		const { t, image } = frames[index];
		const faces = await engine.detect(image);
		observed.push({ t, faces });
		const judgement: LivenessJudgement = judgeChallenge(actions, stepMs, observed);
		const seen = judgement.steps.filter((s) => s.doneAt !== null).length;
		// A gap in the detected frames (slow device) makes the preview unusable; keep what it last showed.
		if (judgement.failure !== 'bad_frames' && seen > done) {
			done = seen;
			stepStartedAt = judgement.steps[done - 1].doneAt ?? stepStartedAt;
		}
		const elapsedMs = performance.now() - started;
		options.onProgress?.({
			phase: 'capturing',
			elapsedMs,
			done,
			stepStartedAt,
			faces,
			size: { width: image.width, height: image.height }
		});
		if (judgement.passed) passedAt ??= elapsedMs;
		else if (judgement.failure && FINAL.includes(judgement.failure)) early = judgement.failure;
		else if (done < actions.length && elapsedMs > stepStartedAt + stepMs + 300) early = 'too_slow';
		// A few more frames after the last action, so the recording holds it as fully as the preview saw it.
		if (early || (passedAt !== null && elapsedMs > passedAt + 300)) stopped = true;
	}
	stopped = true;
	await recorder;
	return { frames, early, aborted: !!signal?.aborted };
}

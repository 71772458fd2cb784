import type { DetectedFace, FaceMotion } from '../types';
import { POSE_ACTIONS, type LivenessAction } from './actions';
import {
	baselineOf,
	MOTION_LIMITS,
	mouthIsOpen,
	nearStartPose,
	poseOf,
	type MotionBaseline
} from './signals';

/** Why a challenge failed, in words the user can act on (the browser translates them). */
export type LivenessFailure =
	| 'bad_frames'
	| 'no_face'
	| 'two_faces'
	| 'face_changed'
	| 'too_slow'
	| 'wrong_direction'
	| 'identity_changed'
	| 'expired';

/** The faces found in one captured frame; `t` is ms since the capture started. */
export interface FrameObservation {
	t: number;
	faces: DetectedFace[];
}

export interface StepOutcome {
	action: LivenessAction;
	/** Capture time the action was seen done, or null if it never was. */
	doneAt: number | null;
	frame: number | null;
	/** The frames that show the action itself: the two held frames of a pose or open mouth, a blink's shut one. */
	evidence: number[];
}

export interface LivenessJudgement {
	passed: boolean;
	failure: LivenessFailure | null;
	/** The step that was running when it failed (null when it passed or failed before any step). */
	failedStep: number | null;
	/** The frame the failure was seen in. */
	failedFrame: number | null;
	steps: StepOutcome[];
	/** Index of the tracked face in each frame's `faces`, -1 where it was not seen. */
	track: number[];
	/** The most frontal frame with open eyes: the one a verification or login decides on. */
	bestFrame: number;
}

export const FRAME_LIMITS = {
	minFrames: 5,
	maxFrames: 160,
	/** Longest gap between two frames: a capture must be continuous, so frames cannot be hand-picked. */
	maxGapMs: 700,
	/** Longest run without the face (a fast turn can lose it for a moment). */
	maxMissingMs: 700,
	/** A second face this large relative to the tracked one means two people (same rule as enrolment). */
	secondFaceRatio: 0.36,
	/** Largest move of the face centre per 100 ms, in face widths; more is a cut, not a head movement. */
	maxJumpPer100Ms: 0.6
} as const;

const fail = (
	failure: LivenessFailure,
	steps: StepOutcome[],
	track: number[],
	at: { step?: number | null; frame?: number | null } = {}
): LivenessJudgement => ({
	passed: false,
	failure,
	failedStep: at.step ?? null,
	failedFrame: at.frame ?? null,
	steps,
	track,
	bestFrame: Math.max(
		0,
		track.findIndex((i) => i >= 0)
	)
});

const centre = (f: DetectedFace): [number, number] => [f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2];
const area = (f: DetectedFace): number => f.box[2] * f.box[3];

/**
 * Whether frame times are those of a plausible continuous capture (a count in the limits, increasing times, no long
 * gaps). Needs no image: the server checks it before decoding any frame.
 */
export function frameTimesAreContinuous(times: readonly number[]): boolean {
	if (times.length < FRAME_LIMITS.minFrames || times.length > FRAME_LIMITS.maxFrames) return false;
	for (let i = 0; i < times.length; i++) {
		const t = times[i];
		if (!Number.isFinite(t) || t < 0) return false;
		if (i > 0 && (t <= times[i - 1] || t - times[i - 1] > FRAME_LIMITS.maxGapMs)) return false;
	}
	return true;
}

const framesAreContinuous = (frames: FrameObservation[]) => frameTimesAreContinuous(frames.map((f) => f.t));

/**
 * Follows one face through the frames. Fails on a second face, on a jump no head makes (a cut), or on the
 * face missing for too long.
 */
function trackFace(
	frames: FrameObservation[]
): { track: number[] } | { failure: LivenessFailure; frame: number; track: number[] } {
	const track: number[] = [];
	let last: { face: DetectedFace; t: number } | null = null;
	let missingSince: number | null = null;
	for (let i = 0; i < frames.length; i++) {
		const { t, faces } = frames[i];
		if (faces.length === 0) {
			track.push(-1);
			missingSince ??= last?.t ?? frames[0].t;
			if (t - missingSince > FRAME_LIMITS.maxMissingMs) return { failure: 'no_face', frame: i, track };
			continue;
		}
		let pick = 0;
		if (last) {
			const [px, py] = centre(last.face);
			const distance = (f: DetectedFace) => Math.hypot(centre(f)[0] - px, centre(f)[1] - py);
			pick = faces.reduce((best, f, j) => (distance(f) < distance(faces[best]) ? j : best), 0);
			const moved = distance(faces[pick]) / last.face.box[2];
			const allowed = FRAME_LIMITS.maxJumpPer100Ms * Math.max(1, (t - last.t) / 100);
			const grew = area(faces[pick]) / area(last.face);
			if (moved > allowed || grew > 2.5 || grew < 0.4) return { failure: 'face_changed', frame: i, track };
		}
		const face = faces[pick];
		if (faces.some((f, j) => j !== pick && area(f) > FRAME_LIMITS.secondFaceRatio * area(face)))
			return { failure: 'two_faces', frame: i, track };
		track.push(pick);
		last = { face, t };
		missingSince = null;
	}
	if (track.every((i) => i < 0)) return { failure: 'no_face', frame: 0, track };
	return { track };
}

/**
 * Frames where a blink ends: the eyes' ratio (over the open level, head near its starting pose) dips by
 * `blinkDip` below the highest of the frames just before it, to at most `blinkClosed`, and a frame within
 * `blinkMs` comes back up by `blinkDip`. Relative dips, because the mesh never reads an eye as fully shut.
 */
function blinkEnds(
	frames: FrameObservation[],
	motions: (FaceMotion | undefined)[],
	base: MotionBaseline
): { end: number; shut: number }[] {
	const { blinkMs, blinkDip, blinkClosed } = MOTION_LIMITS;
	const ratio = (i: number): number | null => {
		const m = motions[i];
		return m && nearStartPose(m, base) ? m.eyeOpen / base.eyeOpen : null;
	};
	const ends: { end: number; shut: number }[] = [];
	for (let i = 0; i < frames.length; i++) {
		const closed = ratio(i);
		if (closed === null || closed > blinkClosed) continue;
		let before = -Infinity;
		for (let h = i - 1; h >= 0 && frames[i].t - frames[h].t <= blinkMs; h--)
			before = Math.max(before, ratio(h) ?? -Infinity);
		if (before - closed < blinkDip) continue;
		for (let j = i + 1; j < frames.length && frames[j].t - frames[i].t <= blinkMs; j++) {
			if ((ratio(j) ?? -Infinity) - closed >= blinkDip) {
				ends.push({ end: j, shut: i });
				i = j;
				break;
			}
		}
	}
	return ends;
}

/** For each frame, the actions it shows done: a pose or an open mouth held two frames, or a finished blink. */
function actionsSeen(
	frames: FrameObservation[],
	track: number[]
): {
	seen: Set<LivenessAction>[];
	strongPose: (LivenessAction | null)[];
	centred: boolean[];
	/** For a frame where a blink ends, the frame the eyes were shut in. */
	shutAt: Map<number, number>;
} {
	const faceAt = (i: number) => (track[i] >= 0 ? frames[i].faces[track[i]] : undefined);
	const motions = frames.map((_, i) => faceAt(i)?.motion);
	const start = motions.filter((m) => m !== undefined).slice(0, 3);
	const seen = frames.map(() => new Set<LivenessAction>());
	const strongPose: (LivenessAction | null)[] = frames.map(() => null);
	const centred = frames.map(() => false);
	const shutAt = new Map<number, number>();
	if (start.length === 0) return { seen, strongPose, centred, shutAt };
	const base = baselineOf(start);
	// Open-eye level from every frame near the starting pose: a median ignores the few blinking ones.
	const neutral = motions.filter((m): m is FaceMotion => m !== undefined && nearStartPose(m, base));
	if (neutral.length > 0) base.eyeOpen = baselineOf(neutral).eyeOpen;

	for (let i = 0; i < frames.length; i++) {
		const m = motions[i];
		const prev = i > 0 ? motions[i - 1] : undefined;
		if (!m) continue;
		const pose = poseOf(m, base);
		const prevPose = prev ? poseOf(prev, base) : null;
		if (pose && prevPose?.action === pose.action) seen[i].add(pose.action);
		if (pose && pose.strength >= 1.5) strongPose[i] = pose.action;
		centred[i] = nearStartPose(m, base);
		if (mouthIsOpen(m, base) && prev && mouthIsOpen(prev, base)) seen[i].add('open_mouth');
	}
	for (const { end, shut } of blinkEnds(frames, motions, base)) {
		seen[end].add('blink');
		shutAt.set(end, shut);
	}
	return { seen, strongPose, centred, shutAt };
}

/** The frame closest to the starting pose with the eyes open and the mouth closed. */
function frontalFrame(frames: FrameObservation[], track: number[]): number {
	let best = -1;
	let bestCost = Infinity;
	for (let i = 0; i < frames.length; i++) {
		const m = track[i] >= 0 ? frames[i].faces[track[i]].motion : undefined;
		if (track[i] < 0) continue;
		const cost = m
			? Math.abs(m.yaw) + Math.abs(m.pitch) / 2 + (m.mouthOpen > 0.3 ? 20 : 0) - m.eyeOpen * 20
			: 50;
		if (cost < bestCost) {
			bestCost = cost;
			best = i;
		}
	}
	return Math.max(0, best);
}

/**
 * Judges a capture against the actions asked, in order: each must be seen done within `stepMs` of the
 * previous one (of the first frame for the first), but not within a reaction time of it, and a head
 * movement only once the head has come back to the centre after the previous one; all the while one face
 * of one size and place is followed. A strong pose that was not asked for (nor is the one just done) is a wrong direction:
 * that is what stops a replayed video, which moves on its own schedule. Pure and synchronous: the same
 * function judges in the browser, on the server and in the evaluation.
 */
export function judgeChallenge(
	actions: readonly LivenessAction[],
	stepMs: number,
	frames: FrameObservation[]
): LivenessJudgement {
	const steps: StepOutcome[] = actions.map((action) => ({ action, doneAt: null, frame: null, evidence: [] }));
	if (!framesAreContinuous(frames)) return fail('bad_frames', steps, []);
	const tracked = trackFace(frames);
	if ('failure' in tracked) return fail(tracked.failure, steps, tracked.track, { frame: tracked.frame });
	const { track } = tracked;
	const { seen, strongPose, centred, shutAt } = actionsSeen(frames, track);

	let k = 0;
	let stepStart = frames[0].t;
	let backAtCentre = true;
	for (let i = 0; i < frames.length && k < actions.length; i++) {
		const t = frames[i].t;
		if (t > stepStart + stepMs) return fail('too_slow', steps, track, { step: k, frame: i });
		const wanted = actions[k];
		backAtCentre ||= centred[i];
		// Nobody answers a prompt within a reaction time, and after a head movement the guide asks for the
		// centre before the next one: a replay that happens to move the right way rarely does both.
		const answered =
			t >= stepStart + MOTION_LIMITS.reactionMs && (backAtCentre || !POSE_ACTIONS.includes(wanted));
		if (answered && seen[i].has(wanted)) {
			const evidence = wanted === 'blink' ? [shutAt.get(i) ?? i] : [i - 1, i];
			steps[k] = { action: wanted, doneAt: t, frame: i, evidence };
			stepStart = t;
			backAtCentre = !POSE_ACTIONS.includes(wanted);
			k++;
			continue;
		}
		const strong = strongPose[i];
		if (strong && strong !== wanted && strong !== actions[k - 1])
			return fail('wrong_direction', steps, track, { step: k, frame: i });
	}
	if (k < actions.length) return fail('too_slow', steps, track, { step: k, frame: frames.length - 1 });
	return {
		passed: true,
		failure: null,
		failedStep: null,
		failedFrame: null,
		steps,
		track,
		bestFrame: frontalFrame(frames, track)
	};
}

/**
 * The actions a capture shows, in order, each with the time it was first seen (repeats of the same action
 * collapsed). For clips recorded without a challenge: the evaluation asks a bona fide clip for what it does.
 */
export function performedActions(frames: FrameObservation[]): { action: LivenessAction; t: number }[] {
	const { track } = trackFace(frames);
	const { seen } = actionsSeen(frames.slice(0, track.length), track);
	const out: { action: LivenessAction; t: number }[] = [];
	seen.forEach((actions, i) => {
		for (const action of actions) {
			if (out.at(-1)?.action !== action) out.push({ action, t: frames[i].t });
		}
	});
	return out;
}

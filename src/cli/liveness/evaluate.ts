import type { FaceEngine } from '../../lib/core/face-engine';
import {
	checkLiveness,
	observeFrames,
	performedActions,
	LIVENESS_ACTIONS,
	POSE_ACTIONS,
	type CapturedFrame,
	type LivenessAction,
	type LivenessResult,
	type RandomWords
} from '../../lib/core/liveness';
import type { PixelImage } from '../../lib/core/types';
import { decodeImage, decodeImageFile, encodeImage } from '../../lib/server/decode';
import type { MediaFile } from './dataset';
import { renderPicture, STILL_POSE, type PicturePose } from './picture-motion';
import { adaptiveTiltTrial, FRAME_MS, loopTrial, wobbleAnimation, type Trial } from './trials';
import { readVideoFrames } from './video-frames';

/** Rows of the report, one per presentation; attacks first. */
export const PRESENTATIONS = {
	print_still: 'still print (F1), held still',
	screen_still: 'screen still (F2), held still',
	spoof_still: 'CelebA-Spoof stills (print, poster, paper mask), held still',
	still_wobble: 'any still, waved and tilted at random',
	still_on_cue: 'still tilted on cue by an attacker who reads the prompts',
	still_on_cue_poses: 'the same, if an operator allowed head movements only',
	replay: 'replay video on a screen or phone',
	bona_fide: 'bona fide clip, challenged with the actions it performs'
} as const;
export type Presentation = keyof typeof PRESENTATIONS;

export interface Attempt {
	presentation: Presentation;
	file: string;
	actions: LivenessAction[];
	accepted: boolean;
	failure: string | null;
	failedStep: number | null;
	minSameFace: number | null;
}

export interface EvaluationSettings {
	stepMs: number;
	sameFaceThreshold: number;
	/** Random challenges per replay video. */
	replayTrials: number;
	/** Random challenges per waved still. */
	wobbleTrials: number;
	/** Stills (the first ones) given to the attacker who tilts on cue, and challenges each. */
	onCueStills: number;
	onCueTrials: number;
	words: RandomWords;
	log: (line: string) => void;
}

/** The capture path of the browser: frames leave the device as JPEG and the server decodes them. */
async function asUploaded(image: PixelImage): Promise<PixelImage> {
	return decodeImage(await encodeImage(image, 'jpeg'));
}

async function uploadedTrial(trial: Trial): Promise<Trial> {
	const frames = await Promise.all(
		trial.frames.map(async (f) => ({ t: f.t, image: await asUploaded(f.image) }))
	);
	return { ...trial, frames };
}

async function videoFrames(media: MediaFile, phaseMs = 0): Promise<PixelImage[]> {
	const frames = await readVideoFrames(media.file, {
		fps: 1000 / FRAME_MS,
		maxSide: 480,
		startMs: media.trimStartMs + phaseMs
	});
	return Promise.all(frames.map((f) => asUploaded(f.image)));
}

async function judge(
	engine: FaceEngine,
	trial: Trial,
	settings: EvaluationSettings
): Promise<LivenessResult> {
	const span = trial.frames.at(-1)!.t;
	return checkLiveness(
		engine,
		{ nonce: 'eval', actions: trial.actions, stepMs: settings.stepMs, issuedAt: 0, expiresAt: Infinity },
		trial.frames,
		{ now: span, sameFaceThreshold: settings.sameFaceThreshold, words: settings.words }
	);
}

const attempt = (presentation: Presentation, file: string, trial: Trial, r: LivenessResult): Attempt => ({
	presentation,
	file,
	actions: trial.actions,
	accepted: r.passed,
	failure: r.failure,
	failedStep: r.failedStep,
	minSameFace: r.minSameFace
});

/** The longest run of events each within `gap` ms of the last (at most `max`), earliest first. */
function longestRun<T extends { t: number }>(events: T[], gap: number, max: number): T[] {
	let best: T[] = [];
	for (let i = 0; i < events.length; i++) {
		const run = [events[i]];
		for (let j = i + 1; j < events.length && run.length < max && events[j].t - run.at(-1)!.t <= gap; j++)
			run.push(events[j]);
		if (run.length > best.length) best = run;
	}
	return best;
}

/**
 * A bona fide clip cannot obey a random instruction, so it is challenged with the actions it performs, as
 * found by the same detectors on frames sampled 50 ms apart from the ones it is judged on (a blink only
 * where the manifest, if any, counted blinks): the longest run
 * of at most four, each within a step (less 0.5 s) of the last; the capture starts 1.5 s before the first.
 */
async function bonaFide(
	engine: FaceEngine,
	media: MediaFile,
	settings: EvaluationSettings
): Promise<Attempt | null> {
	const annotation = await videoFrames(media);
	const found = performedActions(
		await observeFrames(
			engine,
			annotation.map((image, i) => ({ t: i * FRAME_MS, image }))
		)
	);
	// Where the manifest counted no blink, a dip our detector reads as one is noise, not something to ask for.
	const real = found.filter((e) => !(e.action === 'blink' && media.blinks === 0));
	const asked = longestRun(real, settings.stepMs - 500, 4);
	if (asked.length === 0) return null;
	const judged = await videoFrames(media, FRAME_MS / 2);
	const from = Math.max(0, asked[0].t - 1500);
	const to = asked.at(-1)!.t + 1000;
	const frames: CapturedFrame[] = judged
		.map((image, i) => ({ t: i * FRAME_MS + FRAME_MS / 2, image }))
		.filter((f) => f.t >= from && f.t <= to)
		.map((f) => ({ t: f.t - from, image: f.image }));
	const trial = { actions: asked.map((a) => a.action), frames };
	return attempt('bona_fide', media.name, trial, await judge(engine, trial, settings));
}

/**
 * For each pose action, the tilt of this picture that moves the detector's reading furthest that way, as an
 * attacker would rehearse it in front of the camera (rarely far enough: see the report).
 */
async function rehearseTilts(
	engine: FaceEngine,
	still: PixelImage
): Promise<Partial<Record<LivenessAction, PicturePose>>> {
	const [neutral] = await engine.detect(still);
	if (!neutral?.motion) return {};
	const start = neutral.motion;
	const out: Partial<Record<LivenessAction, PicturePose>> = {};
	const reach: Partial<Record<LivenessAction, number>> = {};
	const candidates = [-60, -40, 40, 60].flatMap((a) => [
		{ ...STILL_POSE, tiltX: a },
		{ ...STILL_POSE, tiltY: a }
	]);
	for (const pose of candidates) {
		const [face] = await engine.detect(renderPicture(still, pose));
		if (!face?.motion) continue;
		const moves: [LivenessAction, number][] = [
			['turn_left', start.yaw - face.motion.yaw],
			['turn_right', face.motion.yaw - start.yaw],
			['look_up', start.pitch - face.motion.pitch],
			['look_down', face.motion.pitch - start.pitch]
		];
		for (const [action, amount] of moves) {
			if (amount > (reach[action] ?? 0)) {
				reach[action] = amount;
				out[action] = pose;
			}
		}
	}
	return out;
}

const stillPresentation = (name: string): Presentation =>
	/F1_print/i.test(name) ? 'print_still' : /F2_screen/i.test(name) ? 'screen_still' : 'spoof_still';

export async function evaluateLiveness(
	engine: FaceEngine,
	media: MediaFile[],
	settings: EvaluationSettings
): Promise<{ attempts: Attempt[]; notJudged: string[] }> {
	const attempts: Attempt[] = [];
	const notJudged: string[] = [];
	const words = settings.words;
	for (const m of media.filter((x) => x.kind === 'bona_fide')) {
		const a = await bonaFide(engine, m, settings);
		if (a) attempts.push(a);
		else notJudged.push(m.name);
		settings.log(
			`${m.name}: ${a ? `${a.actions.join(' ')} -> ${a.accepted ? 'accepted' : a.failure}` : 'performs no action'}`
		);
	}
	for (const m of media.filter((x) => x.kind === 'attack_replay')) {
		const video = await videoFrames(m);
		let accepted = 0;
		for (let i = 0; i < settings.replayTrials; i++) {
			const trial = loopTrial(video, words, settings.stepMs);
			const a = attempt('replay', m.name, trial, await judge(engine, trial, settings));
			accepted += Number(a.accepted);
			attempts.push(a);
		}
		settings.log(`${m.name}: ${accepted} of ${settings.replayTrials} random challenges passed`);
	}
	const stills = media.filter((x) => x.kind === 'attack_stills');
	for (const [index, m] of stills.entries()) {
		const still = await asUploaded(await decodeImageFile(m.file, { maxSide: 480 }));
		const held = loopTrial(
			Array.from({ length: 10 }, () => still),
			words,
			settings.stepMs
		);
		attempts.push(attempt(stillPresentation(m.name), m.name, held, await judge(engine, held, settings)));
		const wobble = await Promise.all(wobbleAnimation(still, index + 1, 4).map(asUploaded));
		for (let i = 0; i < settings.wobbleTrials; i++) {
			const trial = loopTrial(wobble, words, settings.stepMs);
			attempts.push(attempt('still_wobble', m.name, trial, await judge(engine, trial, settings)));
		}
		if (index < settings.onCueStills) {
			const tilts = await rehearseTilts(engine, still);
			for (let i = 0; i < settings.onCueTrials; i++) {
				for (const [presentation, allowed] of [
					['still_on_cue', LIVENESS_ACTIONS],
					['still_on_cue_poses', POSE_ACTIONS]
				] as const) {
					const trial = await uploadedTrial(adaptiveTiltTrial(still, tilts, words, settings.stepMs, allowed));
					attempts.push(attempt(presentation, m.name, trial, await judge(engine, trial, settings)));
				}
			}
		}
		if ((index + 1) % 10 === 0) settings.log(`stills: ${index + 1} of ${stills.length}`);
	}
	return { attempts, notJudged };
}

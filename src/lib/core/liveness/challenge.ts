import {
	cryptoWords,
	drawActions,
	FACE_ACTIONS,
	POSE_ACTIONS,
	randomBelow,
	type LivenessAction,
	type RandomWords
} from './actions';

/** What the user is asked to do, and by when. Times in ms: `issuedAt`/`expiresAt` are epoch times. */
export interface LivenessChallenge {
	nonce: string;
	actions: LivenessAction[];
	/** Longest time from the start (or from the previous action done) to this action done. */
	stepMs: number;
	issuedAt: number;
	/** After this, frames for the challenge are refused: the capture and the upload must both be done. */
	expiresAt: number;
}

export interface ChallengePolicy {
	/** Actions per challenge (3 to 6). */
	count: number;
	allowed: readonly LivenessAction[];
	stepMs: number;
	/** Time from issue to the frames' arrival: reading the first instruction, the steps and the upload. */
	ttlMs: number;
}

/**
 * Three actions: two head movements and a blink or an open mouth (see drawActions). Four seconds per step
 * leave time to read the prompt and move; a longer window gives a replayed video more chances to move the
 * right way by luck (eval:liveness measures how often it does).
 */
export const DEFAULT_CHALLENGE_POLICY: ChallengePolicy = {
	count: 3,
	allowed: ['turn_left', 'turn_right', 'look_up', 'look_down', 'blink', 'open_mouth'],
	stepMs: 4000,
	ttlMs: 40_000
};

function hex(words: Uint32Array): string {
	return Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('');
}

export function createChallenge(
	now: number,
	policy: ChallengePolicy = DEFAULT_CHALLENGE_POLICY,
	words: RandomWords = cryptoWords
): LivenessChallenge {
	if (!Number.isInteger(policy.count) || policy.count < 3 || policy.count > 6)
		throw new RangeError('a challenge has 3 to 6 actions');
	return {
		nonce: hex(words(4)),
		actions: drawActions(policy.count, policy.allowed, words),
		stepMs: policy.stepMs,
		issuedAt: now,
		expiresAt: now + policy.ttlMs
	};
}

/**
 * The guided capture of an enrolment: every head movement the policy allows, in a random order (a replay
 * cannot know it), with one blink or open mouth put in at random; the frames of each pose then enrol.
 */
export function createEnrolmentChallenge(
	now: number,
	policy: ChallengePolicy = DEFAULT_CHALLENGE_POLICY,
	words: RandomWords = cryptoWords
): LivenessChallenge {
	const poses = POSE_ACTIONS.filter((a) => policy.allowed.includes(a));
	const shuffled: LivenessAction[] = [];
	while (poses.length > 0) shuffled.push(...poses.splice(randomBelow(poses.length, words), 1));
	const faceActions = FACE_ACTIONS.filter((a) => policy.allowed.includes(a));
	if (faceActions.length > 0) {
		const extra = faceActions[randomBelow(faceActions.length, words)];
		shuffled.splice(randomBelow(shuffled.length + 1, words), 0, extra);
	}
	const base = createChallenge(now, { ...policy, count: 3 }, words);
	return { ...base, actions: shuffled, expiresAt: now + policy.ttlMs + shuffled.length * policy.stepMs };
}

/** What a liveness challenge can ask for. Directions are the user's own (turn_left: to their left). */
export const LIVENESS_ACTIONS = [
	'turn_left',
	'turn_right',
	'look_up',
	'look_down',
	'blink',
	'open_mouth'
] as const;

export type LivenessAction = (typeof LIVENESS_ACTIONS)[number];

export const POSE_ACTIONS: readonly LivenessAction[] = ['turn_left', 'turn_right', 'look_up', 'look_down'];

export function isLivenessAction(value: unknown): value is LivenessAction {
	return typeof value === 'string' && (LIVENESS_ACTIONS as readonly string[]).includes(value);
}

/** Uniform integer in [0, n) from a source of random 32-bit words (crypto.getRandomValues, or seeded). */
export type RandomWords = (count: number) => Uint32Array;

/** Rejection sampling: no modulo bias, so every sequence is equally likely. */
export function randomBelow(n: number, words: RandomWords): number {
	const limit = Math.floor(0x1_0000_0000 / n) * n;
	for (;;) {
		const [w] = words(1);
		if (w < limit) return w % n;
	}
}

/** CSPRNG words from WebCrypto (browser and Node 22 both have globalThis.crypto). */
export const cryptoWords: RandomWords = (count) => crypto.getRandomValues(new Uint32Array(count));

/** Actions a flat picture cannot perform, however it is tilted. */
export const FACE_ACTIONS: readonly LivenessAction[] = ['blink', 'open_mouth'];

/**
 * A random sequence of `count` actions from `allowed`, never the same action twice in a row (a repeat would
 * let one long movement answer two steps). When `allowed` has both kinds, a sequence holds exactly one blink
 * or open mouth (a picture cannot do either) and head movements for the rest: a replayed video blinks by
 * itself now and then, but seldom turns the right way twice, on time, in order (eval:liveness measured two
 * replays passing blink, look down, blink). Drawn again until it fits, so every such sequence is equally likely.
 */
export function drawActions(
	count: number,
	allowed: readonly LivenessAction[] = LIVENESS_ACTIONS,
	words: RandomWords = cryptoWords
): LivenessAction[] {
	if (allowed.length < 2) throw new RangeError('a challenge needs at least two kinds of action');
	const faces = (list: readonly LivenessAction[]) => list.filter((a) => FACE_ACTIONS.includes(a)).length;
	const mixed = faces(allowed) > 0 && faces(allowed) < allowed.length && count >= 2;
	for (;;) {
		const out: LivenessAction[] = [];
		while (out.length < count) {
			const choices = allowed.filter((a) => a !== out.at(-1));
			out.push(choices[randomBelow(choices.length, words)]);
		}
		if (!mixed || faces(out) === 1) return out;
	}
}

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FACES_DIR, facePath } from '../../helpers/faces';

/** Every photo of one person in the shared set, in name order. */
export const photosOf = (who: string): string[] =>
	readdirSync(path.join(FACES_DIR, who))
		.filter((f) => /\.(jpe?g|png)$/i.test(f))
		.sort()
		.map((f) => facePath(`${who}/${f}`));

// The app journey: "me" is John Salley (10 colour photos enrolled, 1 held out); "not me" is four other Johns
// (one photo of John Simm held out) and seven Big Bang Theory characters (grey crops).
const SALLEY = photosOf('John_Salley');
export const ME = SALLEY.slice(0, -1);
export const ME_HELD_OUT = SALLEY.at(-1)!;
const SIMM = photosOf('John_Simm');
export const OTHERS = [
	...['John_Savage', 'John_Schneider', 'John_Shimkus'].flatMap(photosOf),
	...SIMM.slice(0, -1),
	...['bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'].flatMap((who) =>
		[1, 2, 3].map((i) => facePath(`${who}/${who}${i}.png`))
	)
];
export const OTHER_HELD_OUT = SIMM.at(-1)!;
/** Enrolled as "not me" after OTHERS: no face (rejected), and two faces (the user picks the first). */
export const NO_FACE = facePath('noface/coffee.png');
export const TWO_FACES = facePath('multi/kit_with_rose.jpg');

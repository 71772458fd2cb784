import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as login } from '../src/routes/(login)/autenticacion/+server';
import { POST as createUser } from '../src/routes/(login)/registro-datos/+server';
import { POST as enrolFaces } from '../src/routes/(login)/registro-imagenes/[id]/+server';
import { call, form, isolatedServerState } from './people-routes';

// How face login behaves with eight enrolled users (three grayscale crops each): every genuine
// attempt with a held-back photo is either the right user or 401, never someone else's token, and
// nobody from unknown/ gets in. Each attempt uses its own client address so the rate limit stays out of it.

const CAST = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const STRANGERS = [
	...['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised', 'ivan'].map(
		(n) => `unknown/${n}.jpg`
	),
	'unknown/lin-manuel-miranda.png'
];
let state: ReturnType<typeof isolatedServerState>;
const ids = new Map<string, number>();
let attempt = 0;

function tryLogin(file: string) {
	attempt++;
	return call(login, form({}, { image: [file] }), { client: `192.0.2.${attempt}`, anonymous: true });
}

beforeAll(async () => {
	// Single-photo logins, to measure the matching alone (liveness has its own tests).
	state = isolatedServerState({
		JWT_SECRET: 'login-cast-test-secret-0123456789abcdef',
		LOGIN_LIVENESS: 'optional'
	});
	for (const name of CAST) {
		const user = await call(createUser, { nombre: name, correo: `${name}@example.com` });
		ids.set(name, user.json.id);
		const photos = [1, 2, 3].map((i) => `${name}/${name}${i}.png`);
		const enrolled = await call(enrolFaces, form({}, { images: photos }), {
			params: { id: String(user.json.id) }
		});
		expect(enrolled.json.faces_used, name).toBe(3);
	}
});

afterAll(() => state?.cleanup());

describe('face login among eight users', () => {
	it('held-back photos log in as their own user or get 401, never as another user', async () => {
		const outcomes: string[] = [];
		let accepted = 0;
		let attempts = 0;
		for (const name of CAST) {
			for (const i of [4, 5]) {
				if (name === 'leonard' && i === 5) continue; // no detectable face in that crop
				attempts++;
				const { status, json } = await tryLogin(`${name}/${name}${i}.png`);
				expect([200, 401], `${name}${i}`).toContain(status);
				if (status === 200) {
					expect(json.user.id, `${name}${i} logged in as ${json.user.nombre}`).toBe(ids.get(name));
					accepted++;
				} else outcomes.push(`${name}${i}`);
			}
		}
		console.log(`[login] genuine logins accepted: ${accepted}/${attempts}; refused: ${outcomes.join(', ')}`);
		// 7 of 15 at the calibrated login threshold (0.972: at most 1 in 10,000 stranger attempts gets in, with
		// 20 users); the users enrolled three small grey crops each. The uncalibrated threshold let 12 in, and
		// 3.2 % of strangers per attempt on a public benchmark.
		expect(accepted / attempts).toBeGreaterThanOrEqual(0.4);
	});

	it('nobody from unknown/ logs in', async () => {
		for (const file of STRANGERS) {
			const { status, json } = await tryLogin(file);
			expect(status, `${file}: ${JSON.stringify(json)}`).toBe(401);
		}
	});
});

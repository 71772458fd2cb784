import { createHmac, timingSafeEqual } from 'node:crypto';
import { isLivenessAction, type LivenessChallenge } from '../../core/liveness';

/** What a challenge may be used for: one issued for a verification cannot answer a login. */
export const LIVENESS_PURPOSES = ['login', 'verify', 'enrol'] as const;
export type LivenessPurpose = (typeof LIVENESS_PURPOSES)[number];

export interface SignedChallenge extends LivenessChallenge {
	purpose: LivenessPurpose;
}

const PREFIX = 'lc1';

/**
 * Challenges are stateless, signed tokens (HMAC-SHA256 under a key derived from the server secret), so any
 * worker or replica can check one; what makes them single-use is the nonce, spent in the shared store.
 */
export class ChallengeSigner {
	private readonly key: Buffer;

	constructor(serverSecret: string | Uint8Array) {
		this.key = createHmac('sha256', serverSecret).update('me-verifier liveness challenge v1').digest();
	}

	private mac(payload: string): Buffer {
		return createHmac('sha256', this.key).update(payload).digest();
	}

	sign(challenge: SignedChallenge): string {
		const payload = Buffer.from(
			JSON.stringify({
				n: challenge.nonce,
				a: challenge.actions,
				s: challenge.stepMs,
				i: challenge.issuedAt,
				e: challenge.expiresAt,
				p: challenge.purpose
			})
		).toString('base64url');
		return `${PREFIX}.${payload}.${this.mac(payload).toString('base64url')}`;
	}

	/** The challenge, or null for anything not signed by this server (tampered, truncated, another key). */
	verify(token: string): SignedChallenge | null {
		const [prefix, payload, mac, ...rest] = token.split('.');
		if (prefix !== PREFIX || !payload || !mac || rest.length > 0 || token.length > 2048) return null;
		const given = Buffer.from(mac, 'base64url');
		const expected = this.mac(payload);
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
		try {
			const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
			const actions = c.a;
			if (
				typeof c.n !== 'string' ||
				!Array.isArray(actions) ||
				!actions.every(isLivenessAction) ||
				typeof c.s !== 'number' ||
				typeof c.i !== 'number' ||
				typeof c.e !== 'number' ||
				!(LIVENESS_PURPOSES as readonly unknown[]).includes(c.p)
			)
				return null;
			return {
				nonce: c.n,
				actions,
				stepMs: c.s,
				issuedAt: c.i,
				expiresAt: c.e,
				purpose: c.p as LivenessPurpose
			};
		} catch {
			return null;
		}
	}
}

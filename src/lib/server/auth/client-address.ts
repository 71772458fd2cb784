import { isIPv6 } from 'node:net';

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) and `1.2.3.4` are the same client. */
function normalise(address: string): string {
	const trimmed = address.trim();
	return trimmed.startsWith('::ffff:') ? trimmed.slice(7) : trimmed;
}

/**
 * The client's address for rate limits. X-Forwarded-For is believed only when the peer is a configured
 * trusted proxy, read from the right (the nearest hop) to the first address that is not one of ours:
 * a client cannot pick its own bucket by sending the header, and one client behind the proxy cannot
 * lock out every other.
 */
export function clientAddress(
	getPeerAddress: () => string,
	forwardedFor: string | null,
	trustedProxies: readonly string[]
): string {
	let peer: string;
	try {
		peer = normalise(getPeerAddress() || 'unknown');
	} catch {
		peer = 'unknown'; // in-process calls without a socket share one bucket
	}
	const trusted = new Set(trustedProxies.map(normalise));
	if (!trusted.has(peer) || !forwardedFor) return peer;
	const hops = forwardedFor.split(',').map(normalise).filter(Boolean);
	for (let i = hops.length - 1; i >= 0; i--) if (!trusted.has(hops[i])) return hops[i];
	return hops[0] ?? peer;
}

/**
 * An IPv6 client usually owns a whole /64 (2^64 addresses): one bucket per /64, or a client could take a
 * fresh bucket per request. IPv4 and anything unparsable are returned as they are.
 */
export function addressBucket(address: string): string {
	if (!isIPv6(address)) return address;
	const [head, tail = ''] = address.split('::');
	const left = head ? head.split(':') : [];
	const right = tail ? tail.split(':') : [];
	const groups = address.includes('::')
		? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
		: left;
	return `${groups
		.slice(0, 4)
		.map((g) => parseInt(g, 16).toString(16))
		.join(':')}::/64`;
}

/** The bucket a request's rate limits use: its API key when it sends one, else its address (IPv6: its /64). */
export function limitBucket(
	keyId: string | null | undefined,
	getPeerAddress: () => string,
	forwardedFor: string | null,
	trustedProxies: readonly string[]
): string {
	if (keyId) return `key:${keyId}`;
	return `ip:${addressBucket(clientAddress(getPeerAddress, forwardedFor, trustedProxies))}`;
}

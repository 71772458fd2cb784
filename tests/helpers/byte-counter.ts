import net from 'node:net';

/**
 * A TCP relay in front of a server that counts the bytes the server sends: what a browser downloads, headers
 * and compressed bodies included, the service worker's fetches too, whatever the browser reports about them.
 */
export interface ByteCounter {
	/** The relay's origin: open pages here instead of the server's. */
	base: string;
	/** Bytes sent to clients since the start or the last reset(). */
	bytes(): number;
	reset(): void;
	stop(): Promise<void>;
}

export async function startByteCounter(target: string): Promise<ByteCounter> {
	const { hostname, port } = new URL(target);
	let bytes = 0;
	const sockets = new Set<net.Socket>();
	const relay = net.createServer((client) => {
		const upstream = net.connect(Number(port), hostname);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => client.destroy());
		}
		upstream.on('error', () => client.destroy());
		upstream.on('data', (chunk: Buffer) => (bytes += chunk.length));
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
	const address = relay.address() as net.AddressInfo;
	return {
		// The same host name as the server's, so the page's origin (and its service worker's scope) is alike.
		base: `http://${hostname}:${address.port}`,
		bytes: () => bytes,
		reset: () => (bytes = 0),
		stop: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				relay.close(() => resolve());
			})
	};
}

import { describe, expect, it } from 'vitest';
import { recognizeOnServer, ServerError } from './remote';

/** The server-mode client against canned answers in the shape of POST /process_frame (no models involved). */

function answering(status: number, body: unknown, seen: Request[] = []): typeof fetch {
	return async (input, init) => {
		seen.push(new Request(new URL(String(input), 'http://app.test'), init));
		return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json' }
		});
	};
}

describe('recognizeOnServer', () => {
	it('posts the frame as multipart `image` and maps named and unknown faces to one list', async () => {
		const seen: Request[] = [];
		const answer = {
			recognized_faces: [{ person_id: 'p1', name: 'Amy', confidence: 0.84, box: [10, 20, 30, 40] }],
			unknown_faces: [{ box: [50, 60, 70, 80] }],
			timing_ms: 12.5
		};
		const jpeg = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
		const { faces, serverMs } = await recognizeOnServer(jpeg, answering(200, answer, seen));
		expect(faces).toEqual([
			{ box: [10, 20, 30, 40], personId: 'p1', name: 'Amy', confidence: 0.84 },
			{ box: [50, 60, 70, 80], personId: null, name: null, confidence: null }
		]);
		expect(serverMs).toBe(12.5);
		expect(seen[0].method).toBe('POST');
		expect(new URL(seen[0].url).pathname).toBe('/process_frame');
		const sent = (await seen[0].formData()).get('image');
		expect(sent).toBeInstanceOf(Blob);
		expect((sent as File).name).toBe('frame.jpg');
		expect(new Uint8Array(await (sent as Blob).arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
	});

	it("turns the server's JSON error into a ServerError with its code", async () => {
		const failing = answering(400, { error: { code: 'BAD_IMAGE', message: 'Not an image.' } });
		const error = await recognizeOnServer(new Blob([]), failing).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ServerError);
		expect(error).toMatchObject({ code: 'BAD_IMAGE', message: 'Not an image.' });
	});

	it('reports a non-JSON failure by its HTTP status, and a network failure as OFFLINE', async () => {
		await expect(recognizeOnServer(new Blob([]), answering(502, '<html>bad gateway'))).rejects.toMatchObject({
			code: 'HTTP_502'
		});
		const offline: typeof fetch = async () => {
			throw new TypeError('Failed to fetch');
		};
		await expect(recognizeOnServer(new Blob([]), offline)).rejects.toMatchObject({
			code: 'OFFLINE',
			message: 'Failed to fetch'
		});
	});
});

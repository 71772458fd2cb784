import type { Box } from '../../core/types';
import type { RecognizedFace } from './recognize';

/** Server mode: the seeds' camera client. A JPEG frame goes to POST /process_frame; boxes come back in its pixels. */

interface FrameAnswer {
	recognized_faces: { person_id: string; name: string; confidence?: number; box: Box }[];
	unknown_faces: { box: Box }[];
	timing_ms: number;
}

export class ServerError extends Error {
	constructor(
		message: string,
		readonly code: string
	) {
		super(message);
		this.name = 'ServerError';
	}
}

export async function recognizeOnServer(
	jpeg: Blob,
	fetchImpl: typeof fetch = fetch,
	/** The operator's key (scope `recognize`), unsealed from the vault (server-key.ts); sent only to this origin. */
	apiKey = ''
): Promise<{ faces: RecognizedFace[]; serverMs: number }> {
	const body = new FormData();
	body.append('image', jpeg, 'frame.jpg');
	const headers: Record<string, string> = apiKey ? { 'x-api-key': apiKey } : {};
	let response: Response;
	try {
		response = await fetchImpl('/process_frame', { method: 'POST', body, headers });
	} catch (error) {
		throw new ServerError(error instanceof Error ? error.message : String(error), 'OFFLINE');
	}
	const answer = (await response.json().catch(() => null)) as
		(FrameAnswer & { error?: { code: string; message: string } }) | null;
	if (!response.ok || !answer || answer.error) {
		const error = answer?.error;
		throw new ServerError(
			error?.message ?? `HTTP ${response.status}`,
			error?.code ?? `HTTP_${response.status}`
		);
	}
	const faces: RecognizedFace[] = [
		...answer.recognized_faces.map((f) => ({
			box: f.box,
			personId: f.person_id,
			name: f.name,
			confidence: f.confidence ?? null
		})),
		...answer.unknown_faces.map((f) => ({ box: f.box, personId: null, name: null, confidence: null }))
	];
	return { faces, serverMs: answer.timing_ms };
}

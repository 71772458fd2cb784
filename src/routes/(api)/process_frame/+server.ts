import { processFrame } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import { recognizeFrame } from '#lib/server/people/registry.ts';

export const POST = endpoint(processFrame, async ({ services, caller, body, startedAt }) =>
	recognizeFrame(services, body.image.bytes, startedAt, { withScores: caller.keyId !== null })
);

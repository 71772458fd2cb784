import { spawn } from 'node:child_process';
import type { PixelImage } from '../../lib/core/types';

export interface VideoFrame {
	/** Presentation time from the start of the clip, ms. */
	timeMs: number;
	image: PixelImage;
}

export interface VideoFrameOptions {
	/** Frames per second sampled from the clip (a browser capture runs at about 10). */
	fps?: number;
	/** Longest side after scaling, px (a browser capture sends about 480). */
	maxSide?: number;
	/** Skip this much of the start, ms. */
	startMs?: number;
}

/** Reads one binary PPM (P6, maxval 255) from the front of `buf`; null until the whole frame is there. */
function takePpm(buf: Buffer): { image: PixelImage; rest: Buffer } | null {
	const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 64).toString('latin1'));
	if (!header) {
		if (buf.length >= 64) throw new Error('ffmpeg sent something that is not a PPM frame');
		return null;
	}
	const width = Number(header[1]);
	const height = Number(header[2]);
	const start = header[0].length;
	const end = start + width * height * 3;
	if (buf.length < end) return null;
	const data = new Uint8Array(buf.subarray(start, end));
	return { image: { width, height, channels: 3, data }, rest: buf.subarray(end) };
}

/**
 * Decodes a video file with ffmpeg (a Debian package the project already needs for the fake camera) into
 * RGB frames at a fixed rate, honouring rotation metadata, scaled so the longest side is at most maxSide.
 */
export async function readVideoFrames(file: string, options: VideoFrameOptions = {}): Promise<VideoFrame[]> {
	const fps = options.fps ?? 10;
	const side = options.maxSide ?? 480;
	const scale = `scale='if(gt(iw,ih),min(${side},iw),-2)':'if(gt(iw,ih),-2,min(${side},ih))'`;
	const args = ['-v', 'error', ...(options.startMs ? ['-ss', String(options.startMs / 1000)] : [])];
	args.push('-i', file, '-an', '-vf', `fps=${fps},${scale}`, '-f', 'image2pipe', '-vcodec', 'ppm', '-');
	const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
	const frames: VideoFrame[] = [];
	let pending: Buffer = Buffer.alloc(0);
	let errors = '';
	child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
	for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
		pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
		for (let next = takePpm(pending); next; next = takePpm(pending)) {
			frames.push({ timeMs: Math.round((frames.length * 1000) / fps), image: next.image });
			pending = next.rest;
		}
	}
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	if (code !== 0) throw new Error(`ffmpeg could not decode ${file}: ${errors.trim().slice(0, 300)}`);
	return frames;
}

/**
 * Turns a record's value into bytes to encrypt, and back: JSON for the structure, with Float32Arrays and
 * Blobs (embeddings, thumbnails) carried as binary parts after it, bit-exact and without base64's growth.
 * Layout: [u32 LE length of the JSON][JSON][part 0][part 1]…; the JSON names each part's offset and length.
 */

interface PartRef {
	$part: 'f32' | 'blob';
	offset: number;
	length: number;
	type?: string;
}

const isPartRef = (value: unknown): value is PartRef =>
	typeof value === 'object' && value !== null && '$part' in value && 'offset' in value;

export async function pack(value: unknown): Promise<Uint8Array<ArrayBuffer>> {
	const parts: Uint8Array[] = [];
	let offset = 0;
	const add = (bytes: Uint8Array, ref: Omit<PartRef, 'offset' | 'length'>): PartRef => {
		parts.push(bytes);
		offset += bytes.byteLength;
		return { ...ref, offset: offset - bytes.byteLength, length: bytes.byteLength };
	};
	const walk = async (v: unknown): Promise<unknown> => {
		if (v instanceof Float32Array)
			return add(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), { $part: 'f32' });
		if (typeof Blob !== 'undefined' && v instanceof Blob)
			return add(new Uint8Array(await v.arrayBuffer()), { $part: 'blob', type: v.type });
		if (Array.isArray(v)) return Promise.all(v.map(walk));
		if (typeof v === 'object' && v !== null) {
			const out: Record<string, unknown> = {};
			for (const [k, item] of Object.entries(v)) out[k] = await walk(item);
			return out;
		}
		return v;
	};
	const json = new TextEncoder().encode(JSON.stringify(await walk(value)));
	const bytes = new Uint8Array(4 + json.byteLength + offset);
	new DataView(bytes.buffer).setUint32(0, json.byteLength, true);
	bytes.set(json, 4);
	let at = 4 + json.byteLength;
	for (const part of parts) {
		bytes.set(part, at);
		at += part.byteLength;
	}
	return bytes;
}

export function unpack<T>(bytes: Uint8Array): T {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const jsonLength = view.getUint32(0, true);
	const start = 4 + jsonLength;
	const part = (ref: PartRef) => bytes.slice(start + ref.offset, start + ref.offset + ref.length);
	return JSON.parse(new TextDecoder().decode(bytes.subarray(4, start)), (_key, v: unknown) => {
		if (!isPartRef(v)) return v;
		// slice() copies into a fresh, aligned buffer, as a Float32Array view needs.
		if (v.$part === 'f32') return new Float32Array(part(v).buffer);
		return new Blob([part(v)], { type: v.type ?? '' });
	}) as T;
}

/** Float32 little-endian bytes, as stored in the `vector` BLOB columns. */
export function vectorToBlob(vector: Float32Array): Buffer {
	const copy = Float32Array.from(vector);
	return Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
}

export function blobToVector(blob: Buffer | Uint8Array): Float32Array {
	// Copy into a fresh, aligned buffer: SQLite's Buffer may start at any byte offset.
	const bytes = new Uint8Array(blob.byteLength);
	bytes.set(blob);
	return new Float32Array(bytes.buffer);
}

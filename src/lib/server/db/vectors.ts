/** Float32 little-endian bytes, as stored in the `vector` BLOB columns. */
export function vectorToBlob(vector: Float32Array): Uint8Array {
	const copy = Float32Array.from(vector);
	return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

export function blobToVector(blob: Uint8Array): Float32Array {
	// Copy into a fresh, aligned buffer: SQLite's bytes may start at any byte offset.
	const bytes = new Uint8Array(blob.byteLength);
	bytes.set(blob);
	return new Float32Array(bytes.buffer);
}

-- Optional, NOT applied by the server: a pgvector HNSW index over each person's centroid, for galleries far
-- beyond what one replica holds in memory (see README, "When a vector index is worth it"). Debian here ships no
-- pgvector, so this file is untested on these machines. It stores each person's unit centroid in PLAINTEXT
-- (an index cannot search ciphertext), weakening "templates encrypted at rest": apply it only if you accept that.
-- Apply after migration 5:  psql "$DATABASE_URL" -v dim=128 -f deploy/pgvector.sql
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS person_centroids (
	person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	embedder TEXT NOT NULL,
	embedder_version TEXT NOT NULL,
	centroid vector NOT NULL,
	PRIMARY KEY (person_id, embedder, embedder_version)
);
-- One HNSW index per embedding size (pgvector indexes need a fixed dimension): cosine distance.
CREATE INDEX IF NOT EXISTS person_centroids_hnsw_:dim ON person_centroids
	USING hnsw ((centroid::vector(:dim)) vector_cosine_ops) WHERE vector_dims(centroid) = :dim;
-- Not recorded in schema_migrations: the server's versions stay its own (it refuses a schema newer than it knows).

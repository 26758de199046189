"""Full-text search, sentence embeddings and similar-case retrieval."""

"""Benchmarks: a shared seeder for PostgreSQL (``bench.seed``) and measurement scripts."""

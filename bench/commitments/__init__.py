"""The commitment-verification benchmark's parts: the seeder of schools, facilities,
enrolments and months of entries (``seed``), the month entered through HTTP (``walk``)
and the region's compliance selectors (``region``). ``bench/bench_commitments.py`` runs
them."""

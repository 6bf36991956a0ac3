-- The least any roster import can spend writing its families and members: PostgreSQL's
-- fastest load (COPY) of the rows the benchmark's import wrote, straight into the
-- registry's own tables (their indexes, triggers and deferred foreign keys), next to the
-- same COPY into plain tables of the same columns. No validation, no deduplication, no
-- audit rows, no components, no aid rows. Everything is rolled back.
--
-- Run on the database of bench/bench_import.py, after it (it uses the 100,000-family
-- import it leaves in the registry, ID_KELUARGA prefix 0035):
--
--     psql -h 127.0.0.1 -U postgres -d pkh_imports -f bench/floor_registry.sql
--
-- The copies get new keys (ID_KELUARGA and NIK with a leading 9) and the member copies
-- point at the imported families (is_pengurus false: the families keep theirs).
\set ON_ERROR_STOP on
\pset footer off

-- The rows, as files on the client (not part of the floor).
\copy (SELECT '9' || substr(id_keluarga, 2), no_kk, address, rt, rw, phone, status, status_date, status_reason, exit_type, year_joined, welfare_decile, last_visit_on, created_at, updated_at, facilitator_id, fds_group_id, village_id, pengurus_name_cache, component_mask FROM households_household WHERE id_keluarga LIKE '0035%') TO '/tmp/floor_households.tsv'
\copy (SELECT '9' || substr(m.nik, 2), m.name, m.name_normalized, m.sex, m.birth_date, m.relationship, false, m.disability, m.school_level, m.left_on, m.left_reason, m.created_at, m.updated_at, m.household_id FROM households_member m JOIN households_household h ON h.id = m.household_id WHERE h.id_keluarga LIKE '0035%') TO '/tmp/floor_members.tsv'
SELECT (SELECT COUNT(*) FROM households_household WHERE id_keluarga LIKE '0035%') AS households,
       (SELECT COUNT(*) FROM households_member m JOIN households_household h ON h.id = m.household_id
         WHERE h.id_keluarga LIKE '0035%') AS members;

BEGIN;
SET LOCAL jit = off;
SET LOCAL gin_pending_list_limit = '256MB';  -- as the import's write (imports/apply.py)
CREATE TABLE floor_plain_households (LIKE households_household);
ALTER TABLE floor_plain_households DROP COLUMN id;
CREATE TABLE floor_plain_members (LIKE households_member);
ALTER TABLE floor_plain_members DROP COLUMN id;
\timing on
\echo '-- 1. COPY into plain tables (the benchmark''s baseline kind of load)'
\copy floor_plain_households (id_keluarga, no_kk, address, rt, rw, phone, status, status_date, status_reason, exit_type, year_joined, welfare_decile, last_visit_on, created_at, updated_at, facilitator_id, fds_group_id, village_id, pengurus_name_cache, component_mask) FROM '/tmp/floor_households.tsv'
\copy floor_plain_members (nik, name, name_normalized, sex, birth_date, relationship, is_pengurus, disability, school_level, left_on, left_reason, created_at, updated_at, household_id) FROM '/tmp/floor_members.tsv'
\echo '-- 2. COPY into the registry tables'
\copy households_household (id_keluarga, no_kk, address, rt, rw, phone, status, status_date, status_reason, exit_type, year_joined, welfare_decile, last_visit_on, created_at, updated_at, facilitator_id, fds_group_id, village_id, pengurus_name_cache, component_mask) FROM '/tmp/floor_households.tsv'
\copy households_member (nik, name, name_normalized, sex, birth_date, relationship, is_pengurus, disability, school_level, left_on, left_reason, created_at, updated_at, household_id) FROM '/tmp/floor_members.tsv'
\echo '-- 3. the trigram index pending list merged (the import does it before commit)'
SELECT gin_clean_pending_list('member_name_trgm'::regclass) IS NOT NULL AS merged;
\echo '-- 4. the deferred foreign-key checks the commit would run'
SET CONSTRAINTS ALL IMMEDIATE;
\timing off
ROLLBACK;
\! rm -f /tmp/floor_households.tsv /tmp/floor_members.tsv

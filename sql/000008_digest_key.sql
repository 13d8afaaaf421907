-- Encryption at rest (docs/encryption.md): the store-wide key that digests of encrypted values are HMACs under.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
--
-- Digests must not change when encryption keys rotate: refs in running workflows' histories, cross-DAG waits and the
-- ledger compare them. So they are keyed by one key per store, generated once by the first process that writes an
-- encrypted value, and kept here only wrapped (AES-256-GCM) by an encryption key; `xcom rotate-keys` re-wraps it
-- under the newest key. Whoever reads this table without an encryption key learns nothing.
create table :XCOM_SCHEMA.digest_keys (
  key_id       text        primary key,
  -- IV (12) | wrapped key (32) | tag (16)
  wrapped      bytea       not null check (octet_length(wrapped) = 60),
  -- The id of the encryption key (XCOM_ENCRYPTION_KEYS) that wraps it.
  wrapped_by   text        not null,
  created_at   timestamptz not null default now(),
  rewrapped_at timestamptz
);

import NomadKit

/// The tamper-evident registry: each entry's hash is SHA-256(prev_hash ||
/// payload bytes). Appends lock the single head row, so seq and prev_hash form
/// one line however many replicas append at once. The payload is stored as
/// text, not jsonb, because jsonb would re-serialize the hashed bytes.
let migration0013RegistryChain = """
    CREATE TABLE registry_chain_head (
      id smallint PRIMARY KEY CHECK (id = 1),
      seq bigint NOT NULL,
      hash bytea NOT NULL
    );
    INSERT INTO registry_chain_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

    CREATE TABLE registry_entries (
      seq bigint PRIMARY KEY CHECK (seq >= 1),
      kind text NOT NULL,
      subject text NOT NULL,
      payload text NOT NULL,
      prev_hash bytea NOT NULL,
      hash bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX registry_entries_by_subject ON registry_entries (subject, seq);
    """

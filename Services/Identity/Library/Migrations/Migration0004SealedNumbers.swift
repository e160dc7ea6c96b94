/// Personal numbers leave the plaintext columns. SQL cannot seal or hash with
/// the service's keys (and must not see them), so this step only makes room:
/// keyed hashes for lookups and uniqueness, AES-GCM copies where the number
/// must be shown again, and the masked document number that every response
/// shows (so profile reads never decrypt). `SealedNumbers.sealLegacyRows`
/// then moves any plaintext row over at start-up, before the service serves;
/// a later migration drops the emptied plaintext columns once every
/// deployment has run this release.
///
/// The unique indexes move to the hashes, so a duplicate's DETAIL (in the
/// server log) carries a hash, never a number. The NOT VALID checks refuse
/// new plaintext at once without scanning rows written before this step.
let migration0004SealedNumbers = """
    ALTER TABLE accounts
      ADD COLUMN document_hash bytea,
      ADD COLUMN document_sealed bytea,
      ADD COLUMN document_masked text;
    DROP INDEX accounts_document;
    CREATE UNIQUE INDEX accounts_document_hash ON accounts (document_type, document_hash) WHERE document_hash IS NOT NULL;
    ALTER TABLE accounts ADD CONSTRAINT accounts_no_plain_document CHECK (document_number IS NULL) NOT VALID;

    -- The number was the key; a holder has one card, so the holder is the key now.
    ALTER TABLE cards
      ADD COLUMN number_hash bytea,
      ADD COLUMN number_sealed bytea;
    ALTER TABLE cards DROP CONSTRAINT cards_pkey;
    ALTER TABLE cards ALTER COLUMN number DROP NOT NULL;
    ALTER TABLE cards ADD PRIMARY KEY (holder_id);
    CREATE UNIQUE INDEX cards_number_hash ON cards (number_hash) WHERE number_hash IS NOT NULL;
    ALTER TABLE cards ADD CONSTRAINT cards_no_plain_number CHECK (number IS NULL) NOT VALID;
    """

/// The one-card number a registration was made with is kept only as a keyed
/// hash (HMAC-SHA256 with NOMAD_DATA_HASH_KEY): enough to check that a card QR
/// at the gate is the card given at registration, useless to anyone reading
/// the table. SQL cannot hash with the service's key, so rows written before
/// this step are hashed (and their tickets re-signed without the number) by
/// `LegacyCardStore.sealAll` at start-up, before the service serves; a later
/// migration drops the emptied `card_number` column. The NOT VALID check
/// refuses new plaintext at once without scanning older rows.
let migration0014SealedCards = """
    ALTER TABLE registrations ADD COLUMN card_hash bytea;
    ALTER TABLE registrations ADD CONSTRAINT registrations_no_plain_card CHECK (card_number IS NULL) NOT VALID;
    """

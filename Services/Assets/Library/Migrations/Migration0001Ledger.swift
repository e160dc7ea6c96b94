/// The points ledger. Every movement is a ledger_transactions row with
/// entries whose amounts sum to zero per unit: a deferred constraint trigger
/// checks that at commit, so no code path can post an unbalanced
/// transaction. Entries are append-only (a trigger refuses UPDATE and
/// DELETE); corrections are compensating transactions.
///
/// ledger_accounts.balance is a cache of the sum of the account's entries,
/// changed only under the account's row lock in the transaction that posts
/// the entry; each entry also records the balance after it (the statement's
/// running balance). Only the zone's issuance accounts may go negative.
///
/// Points and vouchers held by nomads and enterprises come in lots with an
/// expiry date: spending consumes the earliest-expiring lots first, and the
/// sweep moves what is left of expired lots to the expiry account. For those
/// accounts, balance = the sum of remaining lots.
let migration0001Ledger = """
    CREATE TABLE ledger_accounts (
      id uuid PRIMARY KEY,
      owner_id uuid NOT NULL,
      owner_kind text NOT NULL CHECK (owner_kind IN ('nomad', 'enterprise', 'merchant', 'pool', 'zone')),
      kind text NOT NULL CHECK (kind IN ('pow', 'points', 'voucher', 'merchant', 'pool', 'zone_issuance', 'expiry')),
      unit text NOT NULL CHECK (unit IN ('POW', 'POINTS', 'VOUCHER')),
      balance bigint NOT NULL DEFAULT 0,
      may_go_negative boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (owner_id, kind, unit),
      UNIQUE (id, unit),
      CHECK (balance >= 0 OR may_go_negative),
      CHECK (may_go_negative = (kind = 'zone_issuance'))
    );

    CREATE TABLE ledger_transactions (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      memo text NOT NULL DEFAULT '',
      -- What the transaction is about: a contribution, a grant, a merchant ...
      reference_id uuid,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ledger_transactions_reference ON ledger_transactions (reference_id);

    CREATE TABLE ledger_entries (
      id bigserial PRIMARY KEY,
      transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
      account_id uuid NOT NULL,
      unit text NOT NULL,
      amount bigint NOT NULL CHECK (amount <> 0),
      balance_after bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (account_id, unit) REFERENCES ledger_accounts (id, unit)
    );
    CREATE INDEX ledger_entries_statement ON ledger_entries (account_id, id);
    CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

    CREATE FUNCTION ledger_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM ledger_entries WHERE transaction_id = NEW.transaction_id
                 GROUP BY unit HAVING sum(amount) <> 0) THEN
        RAISE EXCEPTION 'ledger transaction % does not balance', NEW.transaction_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entries_balanced();

    CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger entries are append-only' USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

    CREATE TABLE ledger_lots (
      id bigserial PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES ledger_accounts (id),
      expires_on date NOT NULL,
      amount bigint NOT NULL CHECK (amount > 0),
      remaining bigint NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
      -- The transaction that first credited this lot.
      transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- One lot per account and expiry day: credits with the same day add to it,
    -- so an account holds as many lots as distinct expiry days, however many
    -- transfers it receives.
    CREATE UNIQUE INDEX ledger_lots_account_day ON ledger_lots (account_id, expires_on);
    CREATE INDEX ledger_lots_expiry ON ledger_lots (expires_on) WHERE remaining > 0;

    -- The zone's own accounts: the source of every issued unit, and the sink of
    -- expired points and vouchers. Owner 0 stands for the zone.
    INSERT INTO ledger_accounts (id, owner_id, owner_kind, kind, unit, may_go_negative) VALUES
      ('00000000-0000-0000-0001-000000000001', '00000000-0000-0000-0000-000000000000', 'zone', 'zone_issuance', 'POW', true),
      ('00000000-0000-0000-0001-000000000002', '00000000-0000-0000-0000-000000000000', 'zone', 'zone_issuance', 'POINTS', true),
      ('00000000-0000-0000-0001-000000000003', '00000000-0000-0000-0000-000000000000', 'zone', 'zone_issuance', 'VOUCHER', true),
      ('00000000-0000-0000-0002-000000000002', '00000000-0000-0000-0000-000000000000', 'zone', 'expiry', 'POINTS', false),
      ('00000000-0000-0000-0002-000000000003', '00000000-0000-0000-0000-000000000000', 'zone', 'expiry', 'VOUCHER', false);

    -- The published exchange rate, one row per version; the newest effective one applies.
    CREATE TABLE exchange_rates (
      version integer PRIMARY KEY,
      points_per_pow bigint NOT NULL CHECK (points_per_pow > 0),
      points_valid_days integer NOT NULL CHECK (points_valid_days BETWEEN 1 AND 3650),
      effective_from timestamptz NOT NULL DEFAULT now(),
      set_by uuid
    );
    INSERT INTO exchange_rates (version, points_per_pow, points_valid_days, effective_from)
      VALUES (1, 10, 365, '2026-01-01T00:00:00Z');

    CREATE TABLE merchants (
      id uuid PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      scene text NOT NULL CHECK (scene IN ('dining', 'lodging', 'coworking', 'tourism', 'transport', 'retail', 'data_processing')),
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX merchants_by_scene ON merchants (scene, created_at, id);
    """

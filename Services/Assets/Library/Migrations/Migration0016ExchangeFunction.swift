/// ExchangePow in one statement (see `OneStatementMutation`), in the order the
/// many-statement path took: the rate in effect, the points it gives (refused
/// above `LedgerRules.maxAmount`), the nomad's POW account, their points
/// account opened on first use, then the posting.
///
/// The posting is `ledger_post_plain`: `LedgerStore.post` for a transaction
/// whose debits all come from plain-balance accounts (POW, the zone's
/// issuance), so no lots are consumed and a credit to a points account starts
/// a lot of its own expiry day. A debit of points moves lots and goes through
/// `points_move` (migration 15) instead. Locks in account id order, as every
/// posting takes them; the deferred balance check still runs at commit.
let migration0016ExchangeFunction = """
    CREATE FUNCTION ledger_post_plain(p_transaction uuid, p_kind text, p_memo text, p_by uuid,
                                      p_accounts uuid[], p_amounts bigint[], p_lots_expire_on date,
                                      OUT refusal text, OUT posted_at timestamptz)
    LANGUAGE plpgsql AS $f$
    DECLARE
      posting record;
      after bigint;
    BEGIN
      PERFORM 1 FROM ledger_accounts WHERE id = ANY(p_accounts) ORDER BY id FOR UPDATE;
      IF EXISTS (SELECT 1 FROM unnest(p_accounts, p_amounts) AS p (account, amount)
                 JOIN ledger_accounts a ON a.id = p.account
                 WHERE p.amount < 0 AND a.kind IN ('points', 'voucher')) THEN
        RAISE EXCEPTION 'ledger_post_plain cannot debit lots (transaction %)', p_transaction;
      END IF;
      IF EXISTS (SELECT 1 FROM unnest(p_accounts, p_amounts) AS p (account, amount)
                 JOIN ledger_accounts a ON a.id = p.account
                 WHERE p.amount < 0 AND NOT a.may_go_negative AND a.balance < -p.amount) THEN
        refusal := 'overdraft';
        RETURN;
      END IF;

      INSERT INTO ledger_transactions (id, kind, memo, created_by)
      VALUES (p_transaction, p_kind, p_memo, p_by)
      RETURNING created_at INTO posted_at;
      FOR posting IN SELECT p.account, p.amount, a.unit, a.kind FROM unnest(p_accounts, p_amounts) AS p (account, amount)
                     JOIN ledger_accounts a ON a.id = p.account ORDER BY p.account LOOP
        UPDATE ledger_accounts SET balance = balance + posting.amount WHERE id = posting.account RETURNING balance INTO after;
        INSERT INTO ledger_entries (transaction_id, account_id, unit, amount, balance_after)
        VALUES (p_transaction, posting.account, posting.unit, posting.amount, after);
        IF posting.amount > 0 AND posting.kind IN ('points', 'voucher') THEN
          INSERT INTO ledger_lots AS l (account_id, expires_on, amount, remaining, transaction_id)
          VALUES (posting.account, p_lots_expire_on, posting.amount, posting.amount, p_transaction)
          ON CONFLICT (account_id, expires_on)
          DO UPDATE SET amount = l.amount + EXCLUDED.amount, remaining = l.remaining + EXCLUDED.remaining;
        END IF;
      END LOOP;
    END $f$;

    CREATE FUNCTION exchange_pow(p_caller text, p_request_id text, p_hash bytea, p_nomad uuid, p_pow bigint,
                                 p_new_account uuid, p_transaction uuid, p_event uuid, p_today date)
    RETURNS jsonb LANGUAGE plpgsql AS $f$
    DECLARE
      method CONSTANT text := 'ExchangePow';
      max_amount CONSTANT bigint := 1000000000000;
      pow_issuance CONSTANT uuid := '00000000-0000-0000-0001-000000000001';
      points_issuance CONSTANT uuid := '00000000-0000-0000-0001-000000000002';
      earlier jsonb;
      rate record;
      points bigint;
      expires date;
      pow_account uuid;
      points_account uuid;
      posted record;
    BEGIN
      earlier := idempotency_claim(p_caller, method, p_request_id, p_hash);
      IF earlier IS NOT NULL THEN
        RETURN earlier;
      END IF;

      SELECT version, points_per_pow, points_valid_days INTO STRICT rate FROM exchange_rates
      WHERE effective_from <= now() ORDER BY version DESC LIMIT 1;
      -- pow * rate > max without computing a product that could overflow.
      IF p_pow > max_amount / rate.points_per_pow THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'amount_too_large');
      END IF;
      points := p_pow * rate.points_per_pow;
      expires := p_today + rate.points_valid_days;

      SELECT id INTO pow_account FROM ledger_accounts WHERE owner_id = p_nomad AND kind = 'pow' AND unit = 'POW';
      IF NOT FOUND THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'overdraft');
      END IF;
      SELECT id INTO points_account FROM ledger_accounts WHERE owner_id = p_nomad AND kind = 'points' AND unit = 'POINTS';
      IF NOT FOUND THEN
        INSERT INTO ledger_accounts (id, owner_id, owner_kind, kind, unit)
        VALUES (p_new_account, p_nomad, 'nomad', 'points', 'POINTS') ON CONFLICT (owner_id, kind, unit) DO NOTHING;
        SELECT id INTO STRICT points_account FROM ledger_accounts
        WHERE owner_id = p_nomad AND kind = 'points' AND unit = 'POINTS';
      END IF;

      posted := ledger_post_plain(p_transaction, 'points.exchanged',
        format('rate v%s: %s points per POW', rate.version, rate.points_per_pow), p_nomad,
        ARRAY[pow_account, pow_issuance, points_issuance, points_account], ARRAY[-p_pow, p_pow, -points, points], expires);
      IF posted.refusal IS NOT NULL THEN
        -- The points account opened above must be closed again: raising undoes the statement.
        RAISE EXCEPTION USING ERRCODE = 'NZ001', MESSAGE = posted.refusal;
      END IF;

      INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
      VALUES (p_event, 'assets.points.exchanged', 1,
        jsonb_build_object('owner_id', p_nomad, 'transaction_id', p_transaction),
        jsonb_build_object('owner_id', p_nomad, 'pow_units', p_pow, 'points', points, 'rate_version', rate.version));
      RETURN idempotency_store(p_caller, method, p_request_id, jsonb_build_object(
        'transaction_id', p_transaction, 'pow_account_id', pow_account, 'points_account_id', points_account,
        'points', points, 'rate_version', rate.version, 'points_expire_on', to_char(expires, 'YYYY-MM-DD'),
        'posted_at_micros', (extract(epoch FROM posted.posted_at) * 1000000)::bigint));
    END $f$;
    """

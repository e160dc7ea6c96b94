/// TransferPoints and RedeemPoints in one statement each (see
/// `OneStatementMutation`). Both move a nomad's points to another POINTS
/// account, so the posting is one function, `points_move`: the rule and the
/// posting `LedgerStore.post` applies to every ledger transaction, written out
/// for this one shape, in the same order: the locks in account id order, the
/// earliest-expiring spendable lots, then the transaction, the entries with
/// their running balances and the lots (points keep the expiry days of the
/// lots they came from; a merchant's account holds no lots). The deferred
/// balance check still runs at commit, as for every posting.
let migration0015PointsFunctions = """
    -- Moves p_points from the nomad's points account to p_target. Answers the
    -- refusal ('overdraft', 'same_account') with nothing written, or the result
    -- both RPCs store: the transaction, both accounts and the posting's time.
    CREATE FUNCTION points_move(p_nomad uuid, p_target uuid, p_target_keeps_lots boolean, p_points bigint,
                                p_kind text, p_memo text, p_reference uuid, p_transaction uuid, p_today date,
                                OUT refusal text, OUT result jsonb)
    LANGUAGE plpgsql AS $f$
    DECLARE
      source uuid;
      lot record;
      need bigint := p_points;
      take bigint;
      lot_ids bigint[] := '{}';
      lot_days date[] := '{}';
      lot_takes bigint[] := '{}';
      posting record;
      after bigint;
      posted_at timestamptz;
    BEGIN
      SELECT id INTO source FROM ledger_accounts WHERE owner_id = p_nomad AND kind = 'points' AND unit = 'POINTS';
      IF NOT FOUND THEN
        refusal := 'overdraft';
        RETURN;
      END IF;
      IF source = p_target THEN
        refusal := 'same_account';
        RETURN;
      END IF;
      PERFORM 1 FROM ledger_accounts WHERE id IN (source, p_target) ORDER BY id FOR UPDATE;

      FOR lot IN SELECT id, expires_on, remaining FROM ledger_lots
                 WHERE account_id = source AND remaining > 0 AND expires_on >= p_today
                 ORDER BY expires_on, id LOOP
        EXIT WHEN need = 0;
        take := least(need, lot.remaining);
        need := need - take;
        lot_ids := lot_ids || lot.id;
        lot_days := lot_days || lot.expires_on;
        lot_takes := lot_takes || take;
      END LOOP;
      IF need > 0 THEN
        refusal := 'overdraft';
        RETURN;
      END IF;

      INSERT INTO ledger_transactions (id, kind, memo, reference_id, created_by)
      VALUES (p_transaction, p_kind, p_memo, p_reference, p_nomad)
      RETURNING created_at INTO posted_at;
      FOR posting IN SELECT * FROM (VALUES (source, -p_points), (p_target, p_points)) AS v (account, amount)
                     ORDER BY account LOOP
        UPDATE ledger_accounts SET balance = balance + posting.amount WHERE id = posting.account RETURNING balance INTO after;
        INSERT INTO ledger_entries (transaction_id, account_id, unit, amount, balance_after)
        VALUES (p_transaction, posting.account, 'POINTS', posting.amount, after);
      END LOOP;
      UPDATE ledger_lots l SET remaining = l.remaining - t.take
      FROM unnest(lot_ids, lot_takes) AS t (id, take) WHERE l.id = t.id;
      IF p_target_keeps_lots THEN
        INSERT INTO ledger_lots AS l (account_id, expires_on, amount, remaining, transaction_id)
        SELECT p_target, t.day, t.take, t.take, p_transaction FROM unnest(lot_days, lot_takes) AS t (day, take)
        ON CONFLICT (account_id, expires_on)
        DO UPDATE SET amount = l.amount + EXCLUDED.amount, remaining = l.remaining + EXCLUDED.remaining;
      END IF;
      result := jsonb_build_object(
        'transaction_id', p_transaction, 'from_account_id', source, 'to_account_id', p_target,
        'posted_at_micros', (extract(epoch FROM posted_at) * 1000000)::bigint);
    END $f$;

    CREATE FUNCTION transfer_points(p_caller text, p_request_id text, p_hash bytea, p_nomad uuid, p_to uuid,
                                    p_points bigint, p_memo text, p_transaction uuid, p_event uuid, p_today date)
    RETURNS jsonb LANGUAGE plpgsql AS $f$
    DECLARE
      method CONSTANT text := 'TransferPoints';
      earlier jsonb;
      target record;
      moved record;
    BEGIN
      earlier := idempotency_claim(p_caller, method, p_request_id, p_hash);
      IF earlier IS NOT NULL THEN
        RETURN earlier;
      END IF;

      SELECT owner_id, kind, unit INTO target FROM ledger_accounts WHERE id = p_to;
      IF NOT FOUND THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'unknown_account');
      END IF;
      IF target.unit <> 'POINTS' OR target.kind NOT IN ('points', 'merchant') THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'wrong_account_kind');
      END IF;
      moved := points_move(p_nomad, p_to, target.kind = 'points', p_points, 'points.transferred', p_memo, NULL,
                           p_transaction, p_today);
      IF moved.refusal IS NOT NULL THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, moved.refusal);
      END IF;

      INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
      VALUES (p_event, 'assets.points.transferred', 1,
        jsonb_build_object('from_owner_id', p_nomad, 'to_owner_id', target.owner_id, 'transaction_id', p_transaction),
        jsonb_build_object('from_owner_id', p_nomad, 'to_owner_id', target.owner_id, 'points', p_points));
      RETURN idempotency_store(p_caller, method, p_request_id, moved.result);
    END $f$;

    CREATE FUNCTION redeem_points(p_caller text, p_request_id text, p_hash bytea, p_nomad uuid, p_merchant uuid,
                                  p_points bigint, p_memo text, p_transaction uuid, p_event uuid, p_today date)
    RETURNS jsonb LANGUAGE plpgsql AS $f$
    DECLARE
      method CONSTANT text := 'RedeemPoints';
      earlier jsonb;
      merchant record;
      moved record;
    BEGIN
      earlier := idempotency_claim(p_caller, method, p_request_id, p_hash);
      IF earlier IS NOT NULL THEN
        RETURN earlier;
      END IF;

      SELECT m.scene, a.id AS account INTO merchant FROM merchants m
      JOIN ledger_accounts a ON a.owner_id = m.id AND a.kind = 'merchant' AND a.unit = 'POINTS'
      WHERE m.id = p_merchant;
      IF NOT FOUND THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'unknown_merchant');
      END IF;
      moved := points_move(p_nomad, merchant.account, false, p_points, 'points.redeemed', p_memo, p_merchant,
                           p_transaction, p_today);
      IF moved.refusal IS NOT NULL THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, moved.refusal);
      END IF;

      INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
      VALUES (p_event, 'assets.points.redeemed', 1,
        jsonb_build_object('owner_id', p_nomad, 'merchant_id', p_merchant, 'transaction_id', p_transaction),
        jsonb_build_object('owner_id', p_nomad, 'merchant_id', p_merchant, 'scene', merchant.scene, 'points', p_points));
      RETURN idempotency_store(p_caller, method, p_request_id, moved.result);
    END $f$;
    """

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
-- The posting's time, or NULL when the source cannot cover p_points (then
-- nothing was written).
CREATE FUNCTION points_move(p_source uuid, p_target uuid, p_target_keeps_lots boolean, p_points bigint,
                            p_kind text, p_memo text, p_reference uuid, p_by uuid, p_transaction uuid, p_today date)
RETURNS timestamptz LANGUAGE plpgsql AS $f$
DECLARE
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
  PERFORM 1 FROM ledger_accounts WHERE id IN (p_source, p_target) ORDER BY id FOR UPDATE;

  FOR lot IN SELECT id, expires_on, remaining FROM ledger_lots
             WHERE account_id = p_source AND remaining > 0 AND expires_on >= p_today
             ORDER BY expires_on, id LOOP
    EXIT WHEN need = 0;
    take := least(need, lot.remaining);
    need := need - take;
    lot_ids := lot_ids || lot.id;
    lot_days := lot_days || lot.expires_on;
    lot_takes := lot_takes || take;
  END LOOP;
  IF need > 0 THEN
    RETURN NULL;
  END IF;

  INSERT INTO ledger_transactions (id, kind, memo, reference_id, created_by)
  VALUES (p_transaction, p_kind, p_memo, p_reference, p_by)
  RETURNING created_at INTO posted_at;
  FOR posting IN SELECT * FROM (VALUES (p_source, -p_points), (p_target, p_points)) AS v (account, amount)
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
  RETURN posted_at;
END $f$;

CREATE FUNCTION transfer_points(p_caller text, p_request_id text, p_hash bytea, p_nomad uuid, p_to uuid,
                                p_points bigint, p_memo text, p_transaction uuid, p_event uuid, p_today date)
RETURNS jsonb LANGUAGE plpgsql AS $f$
DECLARE
  method CONSTANT text := 'TransferPoints';
  earlier jsonb;
  target record;
  source uuid;
  posted_at timestamptz;
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
  SELECT id INTO source FROM ledger_accounts WHERE owner_id = p_nomad AND kind = 'points' AND unit = 'POINTS';
  IF NOT FOUND THEN
    RETURN idempotency_refuse(p_caller, method, p_request_id, 'overdraft');
  END IF;
  IF source = p_to THEN
    RETURN idempotency_refuse(p_caller, method, p_request_id, 'same_account');
  END IF;
  posted_at := points_move(source, p_to, target.kind = 'points', p_points, 'points.transferred', p_memo, NULL,
                           p_nomad, p_transaction, p_today);
  IF posted_at IS NULL THEN
    RETURN idempotency_refuse(p_caller, method, p_request_id, 'overdraft');
  END IF;

  INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
  VALUES (p_event, 'assets.points.transferred', 1,
    jsonb_build_object('from_owner_id', p_nomad, 'to_owner_id', target.owner_id, 'transaction_id', p_transaction),
    jsonb_build_object('from_owner_id', p_nomad, 'to_owner_id', target.owner_id, 'points', p_points));

  RETURN idempotency_store(p_caller, method, p_request_id, jsonb_build_object(
    'transaction_id', p_transaction, 'from_account_id', source, 'to_account_id', p_to,
    'posted_at_micros', (extract(epoch FROM posted_at) * 1000000)::bigint));
END $f$;

CREATE FUNCTION redeem_points(p_caller text, p_request_id text, p_hash bytea, p_nomad uuid, p_merchant uuid,
                              p_points bigint, p_memo text, p_transaction uuid, p_event uuid, p_today date)
RETURNS jsonb LANGUAGE plpgsql AS $f$
DECLARE
  method CONSTANT text := 'RedeemPoints';
  earlier jsonb;
  merchant record;
  source uuid;
  posted_at timestamptz;
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
  SELECT id INTO source FROM ledger_accounts WHERE owner_id = p_nomad AND kind = 'points' AND unit = 'POINTS';
  IF NOT FOUND THEN
    RETURN idempotency_refuse(p_caller, method, p_request_id, 'overdraft');
  END IF;
  posted_at := points_move(source, merchant.account, false, p_points, 'points.redeemed', p_memo, p_merchant,
                           p_nomad, p_transaction, p_today);
  IF posted_at IS NULL THEN
    RETURN idempotency_refuse(p_caller, method, p_request_id, 'overdraft');
  END IF;

  INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
  VALUES (p_event, 'assets.points.redeemed', 1,
    jsonb_build_object('owner_id', p_nomad, 'merchant_id', p_merchant, 'transaction_id', p_transaction),
    jsonb_build_object('owner_id', p_nomad, 'merchant_id', p_merchant, 'scene', merchant.scene, 'points', p_points));

  RETURN idempotency_store(p_caller, method, p_request_id, jsonb_build_object(
    'transaction_id', p_transaction, 'from_account_id', source, 'to_account_id', merchant.account,
    'posted_at_micros', (extract(epoch FROM posted_at) * 1000000)::bigint));
END $f$;
"""

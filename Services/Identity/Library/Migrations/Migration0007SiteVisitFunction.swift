/// The site visit VerifyCard records, in one statement (see
/// `OneStatementMutation`). The QR's signature and expiry are checked in
/// Swift before it is sent; the function takes the card by its number's keyed
/// hash and applies the rest in the order the many-statement path did: the
/// card must be the QR's holder's, then active (a suspended or expired card
/// is an answer, `card_refusal`, stored like any other), then the site must
/// exist (NOT_FOUND, answered as a refusal so the key goes), then the visit
/// (once per holder, site and zone day) and its outbox event.
///
/// The result holds the card's holder, name, derived status and times, and
/// whether a visit was recorded: no number (the caller's QR carries it, and a
/// retry must send the same QR).
let migration0007SiteVisitFunction = """
    CREATE FUNCTION record_site_visit(p_caller text, p_request_id text, p_hash bytea, p_number_hash bytea, p_holder text,
                                      p_site uuid, p_event uuid, p_now timestamptz)
    RETURNS jsonb LANGUAGE plpgsql AS $f$
    DECLARE
      method CONSTANT text := 'VerifyCard';
      card_active CONSTANT smallint := 1;
      card_suspended CONSTANT smallint := 2;
      card_expired CONSTANT smallint := 3;
      area_core CONSTANT smallint := 1;
      earlier jsonb;
      card record;
      derived smallint;
      site_area smallint;
      visit_day date;
      result jsonb;
    BEGIN
      earlier := idempotency_claim(p_caller, method, p_request_id, p_hash);
      IF earlier IS NOT NULL THEN
        RETURN earlier;
      END IF;

      SELECT c.holder_id, a.display_name, c.status, c.issued_at, c.expires_at INTO card
      FROM cards c JOIN accounts a ON a.id = c.holder_id WHERE c.number_hash = p_number_hash;
      IF NOT FOUND OR card.holder_id::text <> p_holder THEN
        RETURN idempotency_store(p_caller, method, p_request_id, jsonb_build_object('card_refusal', 'unknown_card'));
      END IF;
      derived := CASE WHEN p_now >= card.expires_at THEN card_expired ELSE card.status END;
      result := jsonb_build_object(
        'holder_id', card.holder_id, 'display_name', card.display_name, 'status', derived,
        'issued_at_micros', (extract(epoch FROM card.issued_at) * 1000000)::bigint,
        'expires_at_micros', (extract(epoch FROM card.expires_at) * 1000000)::bigint);
      IF derived <> card_active THEN
        RETURN idempotency_store(p_caller, method, p_request_id, result || jsonb_build_object(
          'card_refusal', CASE WHEN derived = card_suspended THEN 'card_suspended' ELSE 'card_expired' END));
      END IF;

      SELECT s.area INTO site_area FROM sites s WHERE s.id = p_site;
      IF NOT FOUND THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'site_not_found');
      END IF;
      INSERT INTO site_visits (site_id, holder_id, day)
      VALUES (p_site, card.holder_id, (now() AT TIME ZONE 'Asia/Shanghai')::date)
      ON CONFLICT DO NOTHING RETURNING day INTO visit_day;
      IF FOUND THEN
        -- Analytics counts these as nomad visits, per person per day.
        INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
        VALUES (p_event, 'identity.site.visited', 1,
          jsonb_build_object('account_id', card.holder_id, 'site_id', p_site),
          jsonb_build_object('day', to_char(visit_day, 'YYYY-MM-DD'),
                             'area', CASE WHEN site_area = area_core THEN 'core' ELSE 'linked' END));
      END IF;
      RETURN idempotency_store(p_caller, method, p_request_id,
        result || jsonb_build_object('visit_recorded', visit_day IS NOT NULL));
    END $f$;
    """

/// RegisterForEvent and CheckIn in one statement each (see
/// `OneStatementMutation`), with the rules that need rows in the order the
/// many-statement path applied them. What needs no row stays in Swift and
/// comes in as parameters: credentials verified offline, the card's keyed
/// hash, new ids, and the ticket, signed before the statement is sent.
///
/// A ticket's expiry follows its event's end, which only the database knows
/// for sure: the caller signs for the end it believes (`p_signed_end_micros`),
/// and `register_for_event`, holding the event's row lock, refuses
/// 'ticket_expiry' with the true end when that is wrong, so the caller signs
/// again; a moved event (`TicketStore.resign`) takes the same lock. Kind and
/// area names come from `EventRules` as arrays indexed by the stored numbers.
let migration0015RegistrationFunctions = """
    CREATE FUNCTION register_for_event(p_caller text, p_request_id text, p_hash bytea, p_event uuid, p_attendee uuid,
                                       p_attendee_role text, p_staff boolean, p_now timestamptz, p_card_hash bytea,
                                       p_registration uuid, p_ticket uuid, p_signed_end_micros bigint,
                                       p_ticket_expires timestamptz, p_token text, p_outbox uuid, p_kind_names text[])
    RETURNS jsonb LANGUAGE plpgsql AS $f$
    DECLARE
      method CONSTANT text := 'RegisterForEvent';
      event_draft CONSTANT smallint := 1;
      event_published CONSTANT smallint := 2;
      registration_confirmed CONSTANT smallint := 1;
      registration_waitlisted CONSTANT smallint := 2;
      earlier jsonb;
      event record;
      end_micros bigint;
      seq bigint;
      subjects jsonb;
      registered record;
    BEGIN
      earlier := idempotency_claim(p_caller, method, p_request_id, p_hash);
      IF earlier IS NOT NULL THEN
        RETURN earlier;
      END IF;

      SELECT kind, status, registration_closes_at, ends_at, capacity, confirmed, waitlisted, organizer_id INTO event
      FROM events WHERE id = p_event FOR UPDATE;
      -- Drafts are the organizer's and staff's business only (EventRules.mayRead).
      IF NOT FOUND OR (event.status = event_draft AND NOT p_staff AND event.organizer_id <> p_attendee) THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'event_not_found');
      END IF;
      IF event.status <> event_published OR p_now >= event.registration_closes_at THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'registration_closed');
      END IF;
      IF EXISTS (SELECT 1 FROM registrations WHERE event_id = p_event AND attendee_id = p_attendee
                 AND status IN (registration_confirmed, registration_waitlisted)) THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'already_registered');
      END IF;

      subjects := jsonb_build_object('event_id', p_event, 'registration_id', p_registration, 'attendee_id', p_attendee);
      IF event.confirmed < event.capacity THEN
        end_micros := (extract(epoch FROM event.ends_at) * 1000000)::bigint;
        IF p_signed_end_micros IS DISTINCT FROM end_micros THEN
          RETURN idempotency_refuse(p_caller, method, p_request_id, 'ticket_expiry',
                                    jsonb_build_object('event_end_micros', end_micros::text));
        END IF;
        INSERT INTO registrations (id, event_id, attendee_id, attendee_role, status, card_hash)
        VALUES (p_registration, p_event, p_attendee, p_attendee_role, registration_confirmed, p_card_hash);
        UPDATE events SET confirmed = confirmed + 1, updated_at = now() WHERE id = p_event;
        INSERT INTO tickets (id, registration_id, event_id, attendee_id, token, expires_at)
        VALUES (p_ticket, p_registration, p_event, p_attendee, p_token, p_ticket_expires);
        INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
        VALUES (p_outbox, 'events.registration.confirmed', 1, subjects,
                subjects || jsonb_build_object('event_kind', p_kind_names[event.kind]));
      ELSE
        UPDATE events SET waitlist_seq = waitlist_seq + 1, waitlisted = waitlisted + 1, updated_at = now()
        WHERE id = p_event RETURNING waitlist_seq INTO seq;
        INSERT INTO registrations (id, event_id, attendee_id, attendee_role, status, waitlist_seq, card_hash)
        VALUES (p_registration, p_event, p_attendee, p_attendee_role, registration_waitlisted, seq, p_card_hash);
        INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
        VALUES (p_outbox, 'events.registration.waitlisted', 1, subjects,
                subjects || jsonb_build_object('position', event.waitlisted + 1));
      END IF;

      -- As RegistrationStore reads it back: the live waitlist position.
      SELECT r.status, r.created_at, r.updated_at,
        CASE WHEN r.status = registration_waitlisted THEN (SELECT count(*) FROM registrations w
          WHERE w.event_id = r.event_id AND w.status = registration_waitlisted AND w.waitlist_seq <= r.waitlist_seq)
        ELSE 0 END AS position
      INTO registered FROM registrations r WHERE r.id = p_registration;
      RETURN idempotency_store(p_caller, method, p_request_id, jsonb_build_object(
        'registration_id', p_registration, 'status', registered.status, 'waitlist_position', registered.position,
        'created_at_micros', (extract(epoch FROM registered.created_at) * 1000000)::bigint,
        'updated_at_micros', (extract(epoch FROM registered.updated_at) * 1000000)::bigint));
    END $f$;

    -- The gate's check-in. A ticket names its event (p_ticket_event, as signed)
    -- and registration; a card QR names its holder. Either is NULL when the
    -- credential's claim is not a well-formed id, which is refused in its turn.
    CREATE FUNCTION check_in(p_caller text, p_request_id text, p_hash bytea, p_event uuid, p_session uuid,
                             p_gate uuid, p_gate_staff boolean, p_ticket_event text, p_ticket_registration uuid,
                             p_card_holder uuid, p_card_hash bytea, p_check uuid, p_outbox uuid,
                             p_kind_names text[], p_area_names text[])
    RETURNS jsonb LANGUAGE plpgsql AS $f$
    DECLARE
      method CONSTANT text := 'CheckIn';
      event_published CONSTANT smallint := 2;
      registration_confirmed CONSTANT smallint := 1;
      registration_waitlisted CONSTANT smallint := 2;
      direction_in CONSTANT smallint := 1;
      earlier jsonb;
      event record;
      registration record;
      located boolean := false;
      passed_at timestamptz;
      subjects jsonb;
    BEGIN
      earlier := idempotency_claim(p_caller, method, p_request_id, p_hash);
      IF earlier IS NOT NULL THEN
        RETURN earlier;
      END IF;

      SELECT kind, status, site_area, organizer_id INTO event FROM events WHERE id = p_event;
      IF NOT FOUND THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'event_not_found');
      END IF;
      -- Gate staff: the organizer, any officer, an admin (EventRules.mayRunGate).
      IF NOT p_gate_staff AND event.organizer_id <> p_gate THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'permission_denied');
      END IF;
      IF event.status <> event_published THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'event_not_running');
      END IF;
      IF p_session IS NOT NULL AND NOT EXISTS (SELECT 1 FROM event_sessions WHERE id = p_session AND event_id = p_event) THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'session_not_found');
      END IF;

      -- The registration's share lock keeps a cancellation from slipping between
      -- the check and the passage.
      IF p_ticket_event IS NOT NULL THEN
        IF p_ticket_event <> p_event::text THEN
          RETURN idempotency_refuse(p_caller, method, p_request_id, 'ticket_other_event');
        END IF;
        IF p_ticket_registration IS NULL THEN
          RETURN idempotency_refuse(p_caller, method, p_request_id, 'invalid_credential');
        END IF;
        SELECT id, attendee_id, status INTO registration FROM registrations WHERE id = p_ticket_registration FOR SHARE;
        located := FOUND;
      ELSE
        IF p_card_holder IS NULL THEN
          RETURN idempotency_refuse(p_caller, method, p_request_id, 'invalid_credential');
        END IF;
        SELECT id, attendee_id, status, card_hash INTO registration FROM registrations
        WHERE event_id = p_event AND attendee_id = p_card_holder AND status IN (registration_confirmed, registration_waitlisted)
        FOR SHARE;
        located := FOUND;
        -- A ticket bound to a card admits that card only.
        IF located AND registration.card_hash IS NOT NULL AND registration.card_hash <> p_card_hash THEN
          RETURN idempotency_refuse(p_caller, method, p_request_id, 'card_mismatch');
        END IF;
      END IF;
      IF NOT located OR registration.status <> registration_confirmed THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'not_confirmed');
      END IF;

      INSERT INTO checkins (id, event_id, session_id, registration_id, attendee_id, direction, with_card)
      VALUES (p_check, p_event, p_session, registration.id, registration.attendee_id, direction_in, p_card_holder IS NOT NULL)
      ON CONFLICT DO NOTHING RETURNING at INTO passed_at;
      IF NOT FOUND THEN
        RETURN idempotency_refuse(p_caller, method, p_request_id, 'already_checked_in');
      END IF;

      subjects := jsonb_build_object('event_id', p_event, 'attendee_id', registration.attendee_id,
                                     'registration_id', registration.id);
      IF p_session IS NOT NULL THEN
        subjects := subjects || jsonb_build_object('session_id', p_session);
      END IF;
      INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
      VALUES (p_outbox, 'events.checkin.recorded', 1, subjects, jsonb_build_object(
        'event_id', p_event, 'session_id', coalesce(p_session::text, ''), 'attendee_id', registration.attendee_id,
        'event_kind', p_kind_names[event.kind], 'area', coalesce(p_area_names[event.site_area], ''),
        'visit_day', to_char((passed_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD'),
        'with_card', p_card_holder IS NOT NULL));
      RETURN idempotency_store(p_caller, method, p_request_id, jsonb_build_object(
        'check_id', p_check, 'registration_id', registration.id, 'attendee_id', registration.attendee_id,
        'at_micros', (extract(epoch FROM passed_at) * 1000000)::bigint));
    END $f$;
    """

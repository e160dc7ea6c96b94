import NomadKit

/// A check-in says who passed the gate: the attendee's role as registered
/// (nomad, enterprise, officer, admin). Analytics counts nomads' visits from
/// it, so officers and enterprise staff at an event are attendance but not
/// nomad visits. The payload's schema version goes to 2; version 1 events
/// carry no role. Otherwise migration 15's function, unchanged.
let migration0016CheckInRole = """
    CREATE OR REPLACE FUNCTION check_in(p_caller text, p_request_id text, p_hash bytea, p_event uuid, p_session uuid,
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
        SELECT id, attendee_id, attendee_role, status INTO registration FROM registrations WHERE id = p_ticket_registration FOR SHARE;
        located := FOUND;
      ELSE
        IF p_card_holder IS NULL THEN
          RETURN idempotency_refuse(p_caller, method, p_request_id, 'invalid_credential');
        END IF;
        SELECT id, attendee_id, attendee_role, status, card_hash INTO registration FROM registrations
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
      VALUES (p_outbox, 'events.checkin.recorded', 2, subjects, jsonb_build_object(
        'event_id', p_event, 'session_id', coalesce(p_session::text, ''), 'attendee_id', registration.attendee_id,
        'attendee_role', registration.attendee_role,
        'event_kind', p_kind_names[event.kind], 'area', coalesce(p_area_names[event.site_area], ''),
        'visit_day', to_char((passed_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD'),
        'with_card', p_card_holder IS NOT NULL));
      RETURN idempotency_store(p_caller, method, p_request_id, jsonb_build_object(
        'check_id', p_check, 'registration_id', registration.id, 'attendee_id', registration.attendee_id,
        'at_micros', (extract(epoch FROM passed_at) * 1000000)::bigint));
    END $f$;
    """

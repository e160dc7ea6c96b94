import NomadKit

/// ClaimJob signs a contract: `claim_job` (migration 6) as it was, plus the
/// "jobs.contract.signed" event an accepted application already emits, with
/// the same payload (`ContractSigned`), so analytics counts a claimed seat as a
/// filled job and the nomad as introduced to the enterprise. Claims made
/// before this migration emitted "jobs.claim.accepted" only.
let migration0007ClaimSignsContract = """
    CREATE OR REPLACE FUNCTION claim_job(p_caller text, p_request_id text, p_hash bytea, p_job uuid, p_nomad uuid,
                              p_order uuid, p_event uuid, p_signed_at timestamptz, p_today date)
    RETURNS jsonb LANGUAGE plpgsql AS $f$
    DECLARE
      job_open CONSTANT smallint := 1;
      job_filled CONSTANT smallint := 2;
      mode_flexible CONSTANT smallint := 3;
      contract_service_order CONSTANT smallint := 1;
      contract_flexible CONSTANT smallint := 3;
      order_active CONSTANT smallint := 3;
      earlier jsonb;
      seat record;
      job record;
      kind smallint;
      result jsonb;
    BEGIN
      earlier := idempotency_claim(p_caller, 'ClaimJob', p_request_id, p_hash);
      IF earlier IS NOT NULL THEN
        RETURN earlier;
      END IF;

      UPDATE jobs SET seats_taken = seats_taken + 1,
        status = CASE WHEN seats_taken + 1 = seats THEN job_filled ELSE status END, updated_at = now()
      WHERE id = p_job AND status = job_open AND seats_taken < seats AND deadline > now() AND claimable
      RETURNING enterprise_id, mode, seats_taken, seats INTO seat;
      IF NOT FOUND THEN
        SELECT status, claimable, deadline > now() AS before_deadline INTO job FROM jobs WHERE id = p_job;
        RETURN idempotency_refuse(p_caller, 'ClaimJob', p_request_id, CASE
          WHEN NOT FOUND THEN 'job_not_found'
          WHEN NOT job.claimable THEN 'job_not_claimable'
          WHEN job.status = job_open AND NOT job.before_deadline THEN 'job_deadline_passed'
          ELSE 'job_not_open' END);
      END IF;

      kind := CASE WHEN seat.mode = mode_flexible THEN contract_flexible ELSE contract_service_order END;
      INSERT INTO orders (id, job_id, nomad_id, enterprise_id, status, holds_seat, cover_note, contract_kind,
                          contract_start, contract_signed_at)
      VALUES (p_order, p_job, p_nomad, seat.enterprise_id, order_active, true, '', kind, p_today, p_signed_at)
      ON CONFLICT (job_id, nomad_id) WHERE status IN (1, 3, 4) DO NOTHING;
      IF NOT FOUND THEN
        -- The seat taken above must be given back: raising undoes the statement.
        RAISE EXCEPTION USING ERRCODE = 'NZ001', MESSAGE = 'already_on_job';
      END IF;

      INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
      VALUES (p_event, 'jobs.claim.accepted', 1,
        jsonb_build_object('order_id', p_order, 'job_id', p_job, 'nomad_id', p_nomad, 'enterprise_id', seat.enterprise_id),
        jsonb_build_object('mode', seat.mode, 'contract_kind', kind, 'seats_taken', seat.seats_taken, 'seats', seat.seats));

      -- A claim is a signed service contract (or flexible engagement) from today,
      -- counted by analytics like any other (filled jobs, nomads introduced).
      INSERT INTO outbox (id, type, schema_version, subject_ids, payload)
      VALUES (gen_random_uuid(), 'jobs.contract.signed', 1,
        jsonb_build_object('order_id', p_order, 'job_id', p_job, 'nomad_id', p_nomad, 'enterprise_id', seat.enterprise_id),
        jsonb_build_object('kind', kind, 'start', to_char(p_today, 'YYYY-MM-DD'), 'end', '', 'whole_months', 0,
                           'long_term', false, 'mode', seat.mode, 'seats_taken', seat.seats_taken, 'seats', seat.seats));

      result := jsonb_build_object(
        'order_id', p_order, 'enterprise_id', seat.enterprise_id, 'contract_kind', kind,
        'contract_start', to_char(p_today, 'YYYY-MM-DD'),
        'signed_at_micros', (extract(epoch FROM p_signed_at) * 1000000)::bigint);
      RETURN idempotency_store(p_caller, 'ClaimJob', p_request_id, result);
    END $f$;
    """

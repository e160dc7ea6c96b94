/// Matchmaking (一带一路对接): participants' availability slots and 1:1
/// meeting requests. A slot is booked by at most one accepted request: the
/// slot row lock orders the accepts and the partial unique index backs it up.
let migration0002Matchmaking = """
    CREATE TABLE meeting_slots (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES events (id),
      owner_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      location text NOT NULL DEFAULT '',
      topic text NOT NULL DEFAULT '',
      booked_request_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX meeting_slots_by_event ON meeting_slots (event_id, starts_at, id);
    CREATE INDEX meeting_slots_by_owner ON meeting_slots (owner_id, starts_at);

    CREATE TABLE meeting_requests (
      id uuid PRIMARY KEY,
      slot_id uuid NOT NULL REFERENCES meeting_slots (id),
      event_id uuid NOT NULL REFERENCES events (id),
      requester_id uuid NOT NULL,
      owner_id uuid NOT NULL,
      message text NOT NULL DEFAULT '',
      -- 1 pending, 2 accepted, 3 declined
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
      response_note text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      responded_at timestamptz,
      CHECK (requester_id <> owner_id),
      UNIQUE (slot_id, requester_id)
    );
    CREATE UNIQUE INDEX meeting_requests_one_accepted ON meeting_requests (slot_id) WHERE status = 2;
    CREATE INDEX meeting_requests_pending_by_requester ON meeting_requests (event_id, requester_id) WHERE status = 1;
    CREATE INDEX meeting_requests_by_requester ON meeting_requests (requester_id, status);
    CREATE INDEX meeting_requests_by_owner ON meeting_requests (owner_id, status);
    """

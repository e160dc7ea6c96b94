/// Events, their sessions, registrations with the waitlist, tickets and
/// check-ins. Seats are counted on the event row and changed only under its
/// row lock; the CHECK on `confirmed` and the partial unique indexes are the
/// last guard against an oversold event or a second registration.
let migration0001Events = """
    CREATE TABLE events (
      id uuid PRIMARY KEY,
      kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 7),
      -- {"zh-CN": "...", "en": "...", ...}
      title jsonb NOT NULL,
      description jsonb NOT NULL,
      site_id text,
      site_area smallint CHECK (site_area IN (1, 2)),
      site_address text NOT NULL DEFAULT '',
      online_url text,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      registration_closes_at timestamptz NOT NULL,
      capacity integer NOT NULL CHECK (capacity > 0),
      organizer_id uuid NOT NULL,
      organizer_role text NOT NULL,
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 4),
      cancel_reason text NOT NULL DEFAULT '',
      confirmed integer NOT NULL DEFAULT 0 CHECK (confirmed >= 0 AND confirmed <= capacity),
      waitlisted integer NOT NULL DEFAULT 0 CHECK (waitlisted >= 0),
      -- The last waitlist ticket number handed out; only grows.
      waitlist_seq bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at),
      CHECK (registration_closes_at <= starts_at),
      CHECK ((site_id IS NULL) <> (online_url IS NULL)),
      CHECK ((site_id IS NULL) = (site_area IS NULL))
    );
    CREATE INDEX events_by_start ON events (status, starts_at, id);
    CREATE INDEX events_by_organizer ON events (organizer_id, starts_at);

    CREATE TABLE event_sessions (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES events (id),
      position integer NOT NULL,
      title text NOT NULL,
      room text NOT NULL DEFAULT '',
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      -- [{"name": "...", "affiliation": "..."}]
      speakers jsonb NOT NULL DEFAULT '[]',
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX event_sessions_by_event ON event_sessions (event_id, position);

    CREATE TABLE registrations (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES events (id),
      attendee_id uuid NOT NULL,
      attendee_role text NOT NULL,
      -- 1 confirmed, 2 waitlisted, 3 cancelled
      status smallint NOT NULL CHECK (status BETWEEN 1 AND 3),
      -- Arrival order in the waitlist; kept after promotion for the record.
      waitlist_seq bigint,
      -- The one-card number the attendee presented, bound into the ticket.
      card_number text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (status <> 2 OR waitlist_seq IS NOT NULL),
      UNIQUE (event_id, waitlist_seq)
    );
    -- One live registration per person per event; a cancelled one may be followed by another.
    CREATE UNIQUE INDEX registrations_one_live ON registrations (event_id, attendee_id) WHERE status IN (1, 2);
    CREATE INDEX registrations_waitlist ON registrations (event_id, waitlist_seq) WHERE status = 2;
    CREATE INDEX registrations_by_attendee ON registrations (attendee_id, created_at);

    CREATE TABLE tickets (
      id uuid PRIMARY KEY,
      registration_id uuid NOT NULL UNIQUE REFERENCES registrations (id),
      event_id uuid NOT NULL REFERENCES events (id),
      attendee_id uuid NOT NULL,
      token text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Gate passages: the event's gate (session_id NULL) or a session's room.
    CREATE TABLE checkins (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES events (id),
      session_id uuid REFERENCES event_sessions (id),
      registration_id uuid NOT NULL REFERENCES registrations (id),
      attendee_id uuid NOT NULL,
      -- 1 in, 2 out; out only for sessions
      direction smallint NOT NULL CHECK (direction IN (1, 2)),
      with_card boolean NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      CHECK (direction = 1 OR session_id IS NOT NULL),
      UNIQUE NULLS NOT DISTINCT (registration_id, session_id, direction)
    );
    CREATE INDEX checkins_by_event ON checkins (event_id, session_id);
    """

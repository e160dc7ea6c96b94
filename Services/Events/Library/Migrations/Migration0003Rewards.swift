/// Organizers' reward applications (会议会展奖励): one per event, with the
/// counts the service took from its own records when the application was made.
let migration0003Rewards = """
    CREATE TABLE reward_applications (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE REFERENCES events (id),
      organizer_id uuid NOT NULL,
      registered integer NOT NULL CHECK (registered >= 0),
      checked_in integer NOT NULL CHECK (checked_in >= 0 AND checked_in <= registered),
      statement text NOT NULL DEFAULT '',
      -- 1 pending, 2 approved, 3 rejected
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
      review_note text NOT NULL DEFAULT '',
      reviewer_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      reviewed_at timestamptz,
      CHECK ((status = 1) = (reviewer_id IS NULL))
    );
    CREATE INDEX reward_applications_by_organizer ON reward_applications (organizer_id, created_at);
    CREATE INDEX reward_applications_by_status ON reward_applications (status, created_at);
    """

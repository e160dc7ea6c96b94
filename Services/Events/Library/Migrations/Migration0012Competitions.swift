import NomadKit

/// Maker competitions (创客赛事): the competition row carries the phase and
/// is the lock every phase change, judge assignment and score takes, so a
/// score never lands after the review closed. A track's judges and a
/// submission's members are checked against each other under the track's row
/// lock. One score row per judge per submission (a re-score replaces it).
let migration0012Competitions = """
    CREATE TABLE competitions (
      id uuid PRIMARY KEY,
      organizer_id uuid NOT NULL,
      organizer_role text NOT NULL CHECK (organizer_role IN ('enterprise', 'officer')),
      event_id uuid REFERENCES events (id),
      title_zh text NOT NULL,
      title_en text NOT NULL DEFAULT '',
      description_zh text NOT NULL,
      description_en text NOT NULL DEFAULT '',
      anonymised boolean NOT NULL,
      phase smallint NOT NULL DEFAULT 1 CHECK (phase BETWEEN 1 AND 5),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX competitions_newest ON competitions (created_at DESC, id DESC);

    CREATE TABLE competition_criteria (
      competition_id uuid NOT NULL REFERENCES competitions (id),
      position integer NOT NULL CHECK (position >= 0),
      name text NOT NULL,
      weight integer NOT NULL CHECK (weight > 0),
      max_score integer NOT NULL CHECK (max_score > 0),
      PRIMARY KEY (competition_id, position),
      UNIQUE (competition_id, name)
    );

    CREATE TABLE competition_tracks (
      id uuid PRIMARY KEY,
      competition_id uuid NOT NULL REFERENCES competitions (id),
      position integer NOT NULL,
      name text NOT NULL,
      UNIQUE (competition_id, position),
      UNIQUE (competition_id, name)
    );

    CREATE TABLE competition_judges (
      track_id uuid NOT NULL REFERENCES competition_tracks (id),
      judge_id uuid NOT NULL,
      assigned_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (track_id, judge_id)
    );
    CREATE INDEX competition_judges_by_judge ON competition_judges (judge_id);

    CREATE TABLE competition_submissions (
      id uuid PRIMARY KEY,
      competition_id uuid NOT NULL REFERENCES competitions (id),
      track_id uuid NOT NULL REFERENCES competition_tracks (id),
      submitter_id uuid NOT NULL,
      member_ids uuid[] NOT NULL CHECK (member_ids[1] = submitter_id),
      project_title text NOT NULL,
      description text NOT NULL,
      links text[] NOT NULL DEFAULT '{}',
      evidence_hash text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      -- One submission per team lead per track.
      UNIQUE (track_id, submitter_id)
    );
    CREATE INDEX competition_submissions_by_track ON competition_submissions (track_id, created_at, id);
    CREATE INDEX competition_submissions_members ON competition_submissions USING gin (member_ids);

    CREATE TABLE competition_scores (
      submission_id uuid NOT NULL REFERENCES competition_submissions (id),
      judge_id uuid NOT NULL,
      -- In rubric order.
      points integer[] NOT NULL,
      -- sum(weight * points) / sum(weight), kept exact for the ranking.
      weighted_total numeric NOT NULL CHECK (weighted_total >= 0),
      scored_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (submission_id, judge_id)
    );
    """

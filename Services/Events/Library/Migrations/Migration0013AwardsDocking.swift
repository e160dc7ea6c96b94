import NomadKit

/// Awards and award-to-enterprise/park docking (获奖项目—企业/产业园对接).
/// One award per submission. A docking is asked once per submission and
/// target; its outcome is written once (the CHECKs back the handlers' state
/// checks).
let migration0013AwardsDocking = """
    CREATE TABLE competition_awards (
      id uuid PRIMARY KEY,
      competition_id uuid NOT NULL REFERENCES competitions (id),
      track_id uuid NOT NULL REFERENCES competition_tracks (id),
      submission_id uuid NOT NULL UNIQUE REFERENCES competition_submissions (id),
      name_zh text NOT NULL,
      name_en text NOT NULL DEFAULT '',
      rank integer NOT NULL CHECK (rank >= 1),
      granted_by uuid NOT NULL,
      granted_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX competition_awards_by_competition ON competition_awards (competition_id, track_id, rank, granted_at);

    CREATE TABLE award_dockings (
      id uuid PRIMARY KEY,
      competition_id uuid NOT NULL REFERENCES competitions (id),
      submission_id uuid NOT NULL REFERENCES competition_awards (submission_id),
      requester_id uuid NOT NULL,
      target_id uuid NOT NULL,
      target_kind smallint NOT NULL CHECK (target_kind IN (1, 2)),
      message text NOT NULL,
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 4),
      answer_note text NOT NULL DEFAULT '',
      answered_at timestamptz,
      outcome smallint CHECK (outcome BETWEEN 1 AND 3),
      outcome_by uuid,
      outcome_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (submission_id, target_id),
      CHECK ((status = 4) = (outcome IS NOT NULL)),
      CHECK (status = 1 OR answered_at IS NOT NULL)
    );
    CREATE INDEX award_dockings_by_target ON award_dockings (target_id, created_at DESC);
    CREATE INDEX award_dockings_by_competition ON award_dockings (competition_id, created_at DESC);
    """

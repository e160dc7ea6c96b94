import NomadKit

/// Bubble alerts raised by trades. Closing one records who and why; an alert
/// is never deleted.
let migration0014BubbleAlerts = """
    CREATE TABLE bubble_alerts (
      id uuid PRIMARY KEY,
      kind smallint NOT NULL CHECK (kind IN (1, 2)),
      asset_id uuid NOT NULL REFERENCES data_assets (id),
      trade_id uuid NOT NULL REFERENCES asset_trades (id),
      pool_code text NOT NULL,
      currency text NOT NULL,
      unit_price_minor bigint NOT NULL,
      reference_unit_price_minor bigint NOT NULL,
      deviation_bp integer NOT NULL,
      threshold_bp integer NOT NULL,
      status smallint NOT NULL DEFAULT 1 CHECK (status IN (1, 2)),
      note text,
      closed_by uuid,
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 2) = (closed_at IS NOT NULL)),
      UNIQUE (trade_id, kind)
    );
    CREATE INDEX bubble_alerts_by_status ON bubble_alerts (status, created_at DESC, id DESC);
    """

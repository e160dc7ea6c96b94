import NomadKit

/// Data assets, their versions and valuations, listings, trades, holdings and
/// the ownership history. Units only move between holdings inside one trade
/// transaction under the asset's row lock; the CHECKs are the last guard
/// against a negative holding or an oversold listing. pool_code names one of
/// the pools seeded by migration 2.
let migration0011DataAssets = """
    CREATE TABLE data_assets (
      id uuid PRIMARY KEY,
      owner_id uuid NOT NULL,
      pool_code text NOT NULL REFERENCES pools (code),
      title_zh text NOT NULL,
      title_en text NOT NULL,
      licence_terms text NOT NULL,
      total_units bigint NOT NULL CHECK (total_units > 0),
      latest_version integer NOT NULL DEFAULT 1 CHECK (latest_version >= 1),
      tokenized boolean NOT NULL DEFAULT false,
      registered_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX data_assets_newest ON data_assets (created_at DESC, id DESC);
    CREATE INDEX data_assets_by_owner ON data_assets (owner_id, created_at DESC);

    CREATE TABLE data_asset_versions (
      asset_id uuid NOT NULL REFERENCES data_assets (id),
      version integer NOT NULL CHECK (version >= 1),
      content_hash text NOT NULL,
      description_zh text NOT NULL,
      description_en text NOT NULL,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (asset_id, version)
    );
    -- The same content is registered once, whichever asset or version claims it.
    CREATE UNIQUE INDEX data_asset_versions_content ON data_asset_versions (content_hash);

    CREATE TABLE asset_valuations (
      id uuid PRIMARY KEY,
      asset_id uuid NOT NULL,
      version integer NOT NULL,
      method smallint NOT NULL CHECK (method BETWEEN 1 AND 3),
      value_currency text NOT NULL,
      value_minor bigint NOT NULL CHECK (value_minor > 0),
      appraiser text NOT NULL,
      valuation_date date NOT NULL,
      recorded_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (asset_id, version) REFERENCES data_asset_versions (asset_id, version)
    );
    CREATE INDEX asset_valuations_latest ON asset_valuations (asset_id, valuation_date DESC, created_at DESC);

    CREATE TABLE asset_holdings (
      asset_id uuid NOT NULL REFERENCES data_assets (id),
      holder_id uuid NOT NULL,
      units bigint NOT NULL CHECK (units >= 0),
      PRIMARY KEY (asset_id, holder_id)
    );
    CREATE INDEX asset_holdings_by_holder ON asset_holdings (holder_id) WHERE units > 0;

    CREATE TABLE asset_listings (
      id uuid PRIMARY KEY,
      asset_id uuid NOT NULL REFERENCES data_assets (id),
      seller_id uuid NOT NULL,
      units bigint NOT NULL CHECK (units > 0),
      remaining_units bigint NOT NULL CHECK (remaining_units >= 0 AND remaining_units <= units),
      unit_price_currency text NOT NULL,
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor > 0),
      status smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (status <> 1 OR remaining_units > 0)
    );
    CREATE INDEX asset_listings_by_status ON asset_listings (status, created_at DESC, id DESC);
    CREATE INDEX asset_listings_by_asset ON asset_listings (asset_id, status);

    CREATE TABLE asset_trades (
      id uuid PRIMARY KEY,
      asset_id uuid NOT NULL,
      version integer NOT NULL,
      pool_code text NOT NULL,
      listing_id uuid NOT NULL REFERENCES asset_listings (id),
      buyer_id uuid NOT NULL,
      seller_id uuid NOT NULL CHECK (seller_id <> buyer_id),
      units bigint NOT NULL CHECK (units > 0),
      unit_price_currency text NOT NULL,
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor > 0),
      trade_day date NOT NULL,
      -- The trade's registry entry: commit order, which the moving average follows.
      registry_seq bigint UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (asset_id, version) REFERENCES data_asset_versions (asset_id, version)
    );
    CREATE INDEX asset_trades_by_class ON asset_trades (pool_code, unit_price_currency, registry_seq DESC);
    CREATE INDEX asset_trades_by_day ON asset_trades (pool_code, unit_price_currency, trade_day);

    -- Append-only history of every change of hands, data units and token units alike.
    CREATE TABLE ownership_changes (
      position bigserial PRIMARY KEY,
      asset_id uuid NOT NULL REFERENCES data_assets (id),
      kind text NOT NULL CHECK (kind IN
        ('registered', 'traded', 'token_issued', 'token_transferred', 'token_forced_transfer')),
      from_id uuid,
      to_id uuid NOT NULL,
      units bigint NOT NULL CHECK (units > 0),
      trade_id uuid REFERENCES asset_trades (id),
      unit_price_currency text,
      unit_price_minor bigint,
      version integer NOT NULL,
      legal_basis text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ownership_changes_by_asset ON ownership_changes (asset_id, position);
    """

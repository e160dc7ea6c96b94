import NomadKit

/// RWA tokens (ERC-3643 style permissioned units) and the QFLP whitelist.
/// A token's units are fixed at issuance; transfers move them between
/// token_holdings under the token row's lock, and frozen units never exceed
/// the units held.
let migration0012Tokens = """
    CREATE TABLE qflp_investors (
      account_id uuid PRIMARY KEY,
      name text NOT NULL,
      jurisdiction text NOT NULL,
      expires_on date NOT NULL,
      added_by uuid NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE asset_tokens (
      asset_id uuid PRIMARY KEY REFERENCES data_assets (id),
      total_units bigint NOT NULL CHECK (total_units > 0),
      max_holders integer NOT NULL DEFAULT 0 CHECK (max_holders >= 0),
      max_holder_share_bp integer NOT NULL DEFAULT 0 CHECK (max_holder_share_bp BETWEEN 0 AND 10000),
      issued_to uuid NOT NULL,
      issued_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE token_holdings (
      asset_id uuid NOT NULL REFERENCES asset_tokens (asset_id),
      holder_id uuid NOT NULL,
      units bigint NOT NULL CHECK (units >= 0),
      frozen_units bigint NOT NULL DEFAULT 0 CHECK (frozen_units >= 0 AND frozen_units <= units),
      PRIMARY KEY (asset_id, holder_id)
    );
    CREATE INDEX token_holdings_by_holder ON token_holdings (holder_id) WHERE units > 0;
    """

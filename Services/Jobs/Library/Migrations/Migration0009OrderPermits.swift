import NomadKit

/// A foreign nomad's application carries what their access token said about
/// their work permit when they applied (identity's claims `fgn`, `wpu`), so
/// the enterprise's acceptance can check the contract's days against it.
let migration0009OrderPermits = """
    ALTER TABLE orders
      ADD COLUMN nomad_foreign boolean NOT NULL DEFAULT false,
      ADD COLUMN nomad_permit_until date;
    """

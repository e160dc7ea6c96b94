import NomadKit

/// Permits that hold together: a renewal names the permit it continues, and a
/// revocation ends an approved permit early (status 5) with its time and reason.
/// No overlap between one applicant's pending and approved permits is checked
/// in the service under the applicant's account row lock (PermitRules.overlaps).
let migration0009PermitChain = """
    ALTER TABLE permits
      ADD COLUMN renews uuid REFERENCES permits (id),
      ADD COLUMN revoked_at timestamptz,
      ADD COLUMN revocation_reason text NOT NULL DEFAULT '';
    """

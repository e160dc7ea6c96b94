import NomadKit

/// An order delivered as a whole (it has no milestones) keeps its delivery
/// note and evidence on the order row, as a milestone does on its own.
let migration0003Orders = """
    ALTER TABLE orders
      ADD COLUMN delivery_note text NOT NULL DEFAULT '',
      ADD COLUMN evidence_hash text NOT NULL DEFAULT '';
    """

import NomadKit

/// Tables no call ever updates or deletes from: the record of what happened.
/// The runtime role may only read and insert them (the chassis' RuntimeGrants),
/// so not even a compromised service process can rewrite that record.
let assetsAppendOnlyTables = [
    "ledger_transactions", "ledger_entries", "pool_reads", "ownership_changes", "registry_entries", DecisionAudit.table,
]

import NomadKit

/// The record of officers' decisions (who, department, when, before, after,
/// why) in the chassis' one shape; append-only (JobsAppendOnlyTables). A
/// bounty's own trail stays in `bounty_audit`, which every party writes.
let migration0010DecisionAudit = DecisionAudit.createTable

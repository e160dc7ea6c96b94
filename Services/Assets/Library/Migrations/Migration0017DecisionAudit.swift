import NomadKit

/// The record of officers' decisions (who, department, when, before, after,
/// why) in the chassis' one shape; append-only (AssetsAppendOnlyTables).
let migration0017DecisionAudit = DecisionAudit.createTable

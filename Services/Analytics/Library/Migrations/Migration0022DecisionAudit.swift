import NomadKit

/// The record of officers' decisions (who, department, when, before, after,
/// why) in the chassis' one shape; append-only (AnalyticsAppendOnlyTables).
let migration0022DecisionAudit = DecisionAudit.createTable

import PostgresNIO

/// A stored code (a status, a kind: a small integer column) written into SQL
/// by its Swift name: `WHERE status = \(literal: Nomad_Jobs_V1_JobStatus.open)`.
/// The text gets the number itself, not a bind, so the planner still matches
/// the partial indexes written with it (`WHERE status = 1`).
extension PostgresQuery.StringInterpolation {
    public mutating func appendInterpolation<Code: RawRepresentable>(literal code: Code)
    where Code.RawValue: FixedWidthInteger {
        appendInterpolation(unescaped: String(code.rawValue))
    }

    /// `status IN (\(literals: [.confirmed, .waitlisted]))`.
    public mutating func appendInterpolation<Code: RawRepresentable>(literals codes: [Code])
    where Code.RawValue: FixedWidthInteger {
        appendInterpolation(unescaped: codes.map { String($0.rawValue) }.joined(separator: ", "))
    }
}

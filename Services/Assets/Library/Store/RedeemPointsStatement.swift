import Foundation
import NomadKit
import PostgresNIO

/// RedeemPoints' one round trip: a prepared call of `redeem_points`
/// (migration 15), answering its JSON result (`PointsMoved`) or refusal.
struct RedeemPointsStatement: PostgresPreparedStatement {
    static let sql = "SELECT redeem_points($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date)::text"

    let key: IdempotencyKey
    let nomadID: UUID
    let merchantID: UUID
    let points: Int64
    let memo: String
    let today: ZoneDay

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key.caller)
        bindings.append(key.requestID)
        try bindings.append(key.requestHash)
        bindings.append(nomadID)
        bindings.append(merchantID)
        bindings.append(points)
        bindings.append(memo)
        bindings.append(UUID())
        bindings.append(UUID())
        bindings.append(today.iso)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

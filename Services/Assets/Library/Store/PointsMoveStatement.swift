import Foundation
import NomadKit
import PostgresNIO

/// The SQL function a points move calls (migration 15): the same arguments,
/// a different target and event.
protocol PointsMoveFunction: Sendable {
    static var name: String { get }
}

enum TransferPointsFunction: PointsMoveFunction {
    static let name = "transfer_points"
}

enum RedeemPointsFunction: PointsMoveFunction {
    static let name = "redeem_points"
}

/// TransferPoints' or RedeemPoints' one round trip: a prepared call of the
/// function, answering its JSON result (`PointsMoved`) or refusal. `target`
/// is the receiving account (a transfer) or the merchant (a redemption).
struct PointsMoveStatement<Function: PointsMoveFunction>: OneStatementCall {
    static var sql: String {
        OneStatementMutation.sql("\(Function.name)($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date)", traceparentAt: 11)
    }

    let key: IdempotencyKey
    let nomadID: UUID
    let target: UUID
    let points: Int64
    let memo: String
    let today: ZoneDay

    func appendArguments(to bindings: inout PostgresBindings) throws {
        bindings.append(nomadID)
        bindings.append(target)
        bindings.append(points)
        bindings.append(memo)
        bindings.append(UUID())
        bindings.append(UUID())
        bindings.append(today.iso)
    }
}

import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

extension OrderRecord {
    /// A contract of one year or more earns the enterprise a reward, so it is
    /// told apart: the end is at least a calendar year after the start.
    static func isLongTerm(start: ZoneDay?, end: ZoneDay?) -> Bool {
        guard let start, let end else { return false }
        return end >= start.adding(months: 12).adding(days: -1)
    }

    func message(now: Date = Date()) -> Nomad_Jobs_V1_Order {
        .with { order in
            order.orderID = id.uuidString.lowercased()
            order.jobID = jobID.uuidString.lowercased()
            order.nomadID = nomadID.uuidString.lowercased()
            order.enterpriseID = enterpriseID.uuidString.lowercased()
            order.status = .init(rawValue: Int(status)) ?? .unspecified
            order.coverNote = coverNote
            if let contractKind {
                order.contract = .with {
                    $0.kind = .init(rawValue: Int(contractKind)) ?? .unspecified
                    if let contractStart { $0.startDate = contractStart.message }
                    if let contractEnd { $0.endDate = contractEnd.message }
                    $0.longTerm = Self.isLongTerm(start: contractStart, end: contractEnd)
                    if let contractSignedAt { $0.signedAt = .init(date: contractSignedAt) }
                }
            }
            order.milestones = milestones.map { milestone in
                .with {
                    $0.title = milestone.title
                    $0.due = .init(date: milestone.due)
                    $0.amount = .with {
                        $0.currencyCode = milestone.currency; $0.minorUnits = milestone.amountMinor
                    }
                    $0.status = .init(rawValue: Int(milestone.status)) ?? .unspecified
                    $0.deliveryNote = milestone.deliveryNote
                    $0.evidenceHash = milestone.evidenceHash
                    $0.overdue = milestone.status != Int16(Nomad_Jobs_V1_MilestoneStatus.accepted.rawValue) && milestone.due < now
                }
            }
            if let rating = ratingByEnterprise { order.ratingByEnterprise = rating.message }
            if let rating = ratingByNomad { order.ratingByNomad = rating.message }
            order.cancelReason = cancelReason ?? ""
            order.rejectReason = rejectReason ?? ""
            order.createTime = .init(date: createdAt)
            order.updateTime = .init(date: updatedAt)
            if let completedAt { order.completedAt = .init(date: completedAt) }
        }
    }
}

extension OrderRecord.RatingRecord {
    var message: Nomad_Jobs_V1_Rating {
        .with {
            $0.stars = Int32(stars)
            $0.comment = comment
            $0.at = .init(date: at)
        }
    }
}

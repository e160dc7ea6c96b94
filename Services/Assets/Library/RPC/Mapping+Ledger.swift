import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Store records to proto messages (and enum numbers back), for the ledger areas.
extension LedgerUnit {
    var proto: Nomad_Assets_V1_LedgerUnit {
        switch self {
        case .pow: .pow
        case .points: .points
        case .voucher: .voucher
        }
    }
}

extension LedgerAccountKind {
    var proto: Nomad_Assets_V1_LedgerAccountKind {
        switch self {
        case .pow: .pow
        case .points: .points
        case .voucher: .voucher
        case .merchant: .merchant
        case .pool: .pool
        case .zoneIssuance: .zoneIssuance
        case .expiry: .expiry
        }
    }
}

extension LedgerOwnerKind {
    var proto: Nomad_Assets_V1_LedgerOwnerKind {
        switch self {
        case .nomad: .nomad
        case .enterprise: .enterprise
        case .merchant: .merchant
        case .pool: .pool
        case .zone: .zone
        }
    }
}

extension LedgerAccountRecord {
    var message: Nomad_Assets_V1_LedgerAccount {
        .with {
            $0.accountID = id.text
            $0.ownerID = ownerID.text
            $0.ownerKind = ownerKind.proto
            $0.kind = kind.proto
            $0.unit = unit.proto
            $0.balance = balance
            $0.spendable = spendable
            if let nextExpiry { $0.nextExpiry = nextExpiry.message }
        }
    }
}

extension LedgerEntryRecord {
    var message: Nomad_Assets_V1_LedgerStatementLine {
        .with {
            $0.entryID = id
            $0.transactionID = transactionID.text
            $0.transactionKind = transactionKind
            $0.amount = amount
            $0.runningBalance = balanceAfter
            $0.memo = memo
            $0.postedAt = .init(date: postedAt)
        }
    }
}

extension PostedTransaction {
    var message: Nomad_Assets_V1_LedgerTransaction {
        .with {
            $0.transactionID = id.text
            $0.kind = kind
            $0.postings = postings.map { posting in
                .with {
                    $0.accountID = posting.account.text
                    $0.unit = posting.unit.proto
                    $0.amount = posting.amount
                }
            }
            $0.postedAt = .init(date: postedAt)
        }
    }
}

extension PoolRecord {
    var message: Nomad_Assets_V1_DataPool {
        .with {
            $0.code = code
            $0.name = .with {
                $0.zhCn = nameZh; $0.en = nameEn
            }
            $0.description_p = .with {
                $0.zhCn = descriptionZh; $0.en = descriptionEn
            }
            $0.ownerDepartment = ownerDepartment
            $0.dataUsePolicy = .with {
                $0.zhCn = policyZh; $0.en = policyEn
            }
            $0.voucherAccountID = voucherAccount.text
        }
    }
}

extension PoolGrantRecord {
    var message: Nomad_Assets_V1_PoolGrant {
        .with {
            $0.grantID = id.text
            $0.poolCode = poolCode
            $0.enterpriseID = enterpriseID.text
            $0.purpose = purpose
            $0.periodStart = start.message
            $0.periodEnd = end.message
            $0.status = Nomad_Assets_V1_PoolGrantStatus(rawValue: Int(status.rawValue)) ?? .unspecified
            $0.decidedBy = decidedBy?.text ?? ""
            $0.decisionNote = decisionNote
            $0.revokedBy = revokedBy?.text ?? ""
            $0.vouchersPaid = vouchersPaid
            $0.reads = reads
            $0.createdAt = .init(date: createdAt)
            $0.updatedAt = .init(date: updatedAt)
        }
    }
}

extension PoolReadRecord {
    var message: Nomad_Assets_V1_PoolRead {
        .with {
            $0.readID = id.text
            $0.grantID = grantID.text
            $0.enterpriseID = enterpriseID.text
            $0.recordsReturned = recordsReturned
            $0.pageOffset = pageOffset
            $0.readAt = .init(date: readAt)
        }
    }
}

extension PoolDataRecord {
    var message: Nomad_Assets_V1_PoolRecord {
        .with {
            $0.contributionID = contributionID.text
            $0.kind = Nomad_Assets_V1_ContributionKind(rawValue: Int(kind)) ?? .unspecified
            $0.recordCount = recordCount
            $0.bytes = bytes
            $0.contentHash = contentHash
            $0.qualityScore = qualityScore
            $0.acceptedAt = .init(date: acceptedAt)
        }
    }
}

extension ContributionRecord {
    var message: Nomad_Assets_V1_Contribution {
        .with {
            $0.contributionID = id.text
            $0.contributorID = contributorID.text
            $0.poolCode = poolCode
            $0.kind = Nomad_Assets_V1_ContributionKind(rawValue: Int(kind.rawValue)) ?? .unspecified
            $0.recordCount = recordCount
            $0.bytes = bytes
            $0.contentHash = contentHash ?? ""
            $0.evidenceHash = evidenceHash ?? ""
            $0.workUnits = workUnits
            $0.workUnitLabel = workUnitLabel
            $0.qualityScore = qualityScore
            $0.status = Nomad_Assets_V1_ContributionStatus(rawValue: Int(status.rawValue)) ?? .unspecified
            $0.powUnits = powUnits
            $0.valuationRuleVersion = ruleVersion ?? 0
            $0.reversedUnits = reversedUnits
            $0.unrecoveredUnits = unrecoveredUnits
            $0.reviewedBy = reviewedBy?.text ?? ""
            $0.reviewNote = reviewNote
            $0.createdAt = .init(date: createdAt)
            $0.updatedAt = .init(date: updatedAt)
        }
    }
}

extension ValuationRule {
    var message: Nomad_Assets_V1_ValuationRule {
        .with {
            $0.version = version
            $0.recordsPerUnit = recordsPerUnit
            $0.bytesPerUnit = bytesPerUnit
            $0.minQuality = minQuality
            $0.labellingMilliPerWorkUnit = labellingMilli
            $0.cleaningMilliPerWorkUnit = cleaningMilli
            $0.modelTrainingMilliPerWorkUnit = modelTrainingMilli
            $0.effectiveFrom = .init(date: effectiveFrom)
            $0.setBy = setBy?.text ?? ""
        }
    }
}

extension ExchangeRate {
    var message: Nomad_Assets_V1_ExchangeRate {
        .with {
            $0.version = version
            $0.pointsPerPow = pointsPerPow
            $0.pointsValidDays = pointsValidDays
            $0.effectiveFrom = .init(date: effectiveFrom)
            $0.setBy = setBy?.text ?? ""
        }
    }
}

extension MerchantRecord {
    var message: Nomad_Assets_V1_Merchant {
        .with {
            $0.merchantID = id.text
            $0.name = .with {
                $0.zhCn = nameZh; $0.en = nameEn
            }
            $0.scene = scene
            $0.pointsAccountID = pointsAccount.text
            $0.createdAt = .init(date: createdAt)
        }
    }
}

/// An optional enum filter: 0 means every value; numbers outside `known` are refused.
func enumFilter(_ raw: Int, known: ClosedRange<Int>, field: String) throws -> Int16? {
    if raw == 0 { return nil }
    guard known.contains(raw) else { throw NomadError.unknownEnum(field) }
    return Int16(raw)
}

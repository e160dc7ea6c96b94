import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Records to messages for the registry areas.
func money(_ currency: String, _ minor: Int64) -> Nomad_Common_V1_Money {
    .with {
        $0.currencyCode = currency; $0.minorUnits = minor
    }
}

func localized(_ zh: String, _ en: String) -> Nomad_Common_V1_LocalizedText {
    .with {
        $0.zhCn = zh; $0.en = en
    }
}

extension DataAssetRecord {
    var message: Nomad_Assets_V1_DataAsset {
        .with {
            $0.assetID = id.text
            $0.ownerID = ownerID.text
            $0.poolCode = poolCode
            $0.title = localized(titleZh, titleEn)
            $0.description_p = localized(descriptionZh, descriptionEn)
            $0.licenceTerms = licenceTerms
            $0.totalUnits = totalUnits
            $0.latestVersion = latestVersion
            $0.contentHash = contentHash
            $0.tokenized = tokenized
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        }
    }
}

extension DataAssetVersionRecord {
    var message: Nomad_Assets_V1_DataAssetVersion {
        .with {
            $0.assetID = assetID.text
            $0.version = version
            $0.contentHash = contentHash
            $0.description_p = localized(descriptionZh, descriptionEn)
            $0.createdBy = createdBy.text
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        }
    }
}

extension ValuationRecord {
    var message: Nomad_Assets_V1_AssetValuation {
        .with {
            $0.valuationID = id.text
            $0.assetID = assetID.text
            $0.version = version
            $0.method = Nomad_Assets_V1_ValuationMethod(rawValue: Int(method)) ?? .unspecified
            $0.value = money(currency, valueMinor)
            $0.appraiser = appraiser
            $0.valuationDate = date.message
            $0.recordedBy = recordedBy.text
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        }
    }
}

extension ListingRecord {
    var message: Nomad_Assets_V1_AssetListing {
        .with {
            $0.listingID = id.text
            $0.assetID = assetID.text
            $0.sellerID = sellerID.text
            $0.units = units
            $0.remainingUnits = remainingUnits
            $0.unitPrice = money(currency, unitPriceMinor)
            $0.status = Nomad_Assets_V1_AssetListingStatus(rawValue: Int(status)) ?? .unspecified
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        }
    }
}

extension TradeRecord {
    func message(alertIDs: [UUID]) -> Nomad_Assets_V1_AssetTrade {
        .with {
            $0.tradeID = id.text
            $0.assetID = assetID.text
            $0.version = version
            $0.listingID = listingID.text
            $0.buyerID = buyerID.text
            $0.sellerID = sellerID.text
            $0.units = units
            $0.unitPrice = money(currency, unitPriceMinor)
            $0.total = money(currency, units * unitPriceMinor)
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
            $0.alertIds = alertIDs.map(\.text)
        }
    }
}

extension OwnershipChangeRecord {
    var message: Nomad_Assets_V1_OwnershipChange {
        .with {
            $0.kind = kind
            $0.assetID = assetID.text
            $0.fromID = fromID?.text ?? ""
            $0.toID = toID.text
            $0.units = units
            $0.tradeID = tradeID?.text ?? ""
            if let currency, let unitPriceMinor { $0.unitPrice = money(currency, unitPriceMinor) }
            $0.version = version
            $0.legalBasis = legalBasis ?? ""
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        }
    }
}

extension InvestorRecord {
    var message: Nomad_Assets_V1_QflpInvestor {
        .with {
            $0.accountID = accountID.text
            $0.name = name
            $0.jurisdiction = jurisdiction
            $0.expiresOn = expiresOn.message
            $0.addedBy = addedBy.text
            $0.updatedAt = Google_Protobuf_Timestamp(date: updatedAt)
        }
    }
}

extension TokenRecord {
    func message(holders: Int) -> Nomad_Assets_V1_AssetToken {
        .with {
            $0.assetID = assetID.text
            $0.totalUnits = totalUnits
            $0.maxHolders = caps.maxHolders
            $0.maxHolderShareBp = caps.maxHolderShareBP
            $0.issuedTo = issuedTo.text
            $0.issuedBy = issuedBy.text
            $0.holders = Int32(clamping: holders)
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        }
    }
}

func tokenHolding(assetID: UUID, holder: UUID, _ holding: TokenRules.Holding?, total: Int64) -> Nomad_Assets_V1_TokenHolding {
    .with {
        $0.assetID = assetID.text
        $0.holderID = holder.text
        $0.units = holding?.units ?? 0
        $0.frozenUnits = holding?.frozen ?? 0
        $0.shareBp = DataAssetRules.shareBP(holding?.units ?? 0, of: total)
    }
}

extension RegistryEntryRecord {
    var message: Nomad_Assets_V1_RegistryEntry {
        .with {
            $0.seq = seq
            $0.kind = kind
            $0.subject = subject
            $0.payload = payload
            $0.prevHash = prevHash.hex
            $0.hash = hash.hex
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        }
    }
}

extension AlertRecord {
    var message: Nomad_Assets_V1_BubbleAlert {
        .with {
            $0.alertID = id.text
            $0.kind = Nomad_Assets_V1_BubbleAlertKind(rawValue: Int(kind)) ?? .unspecified
            $0.assetID = assetID.text
            $0.tradeID = tradeID.text
            $0.poolCode = poolCode
            $0.unitPrice = money(currency, unitPriceMinor)
            $0.referenceUnitPrice = money(currency, referenceUnitPriceMinor)
            $0.deviationBp = deviationBP
            $0.thresholdBp = thresholdBP
            $0.status = Nomad_Assets_V1_BubbleAlertStatus(rawValue: Int(status)) ?? .unspecified
            $0.note = note ?? ""
            $0.closedBy = closedBy?.text ?? ""
            $0.createdAt = Google_Protobuf_Timestamp(date: createdAt)
            if let closedAt { $0.closedAt = Google_Protobuf_Timestamp(date: closedAt) }
        }
    }
}

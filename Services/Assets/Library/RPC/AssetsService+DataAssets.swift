import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO
import SwiftProtobuf

/// Data assets: registration, versions and valuations. Every change locks the
/// asset's row, appends to the registry chain and writes its outbox event in
/// the same transaction.
extension AssetsService {
    func registerDataAsset(
        request: Nomad_Assets_V1_RegisterDataAssetRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_DataAsset {
        let principal = try caller
        let owner: UUID
        if principal.role == .enterprise {
            owner = request.ownerID.isEmpty ? principal.accountID : try Validate.uuid(request.ownerID, "owner_id")
            guard owner == principal.accountID else { throw NomadError.permissionDenied }
        } else {
            owner = try Validate.uuid(request.ownerID, "owner_id")
        }
        let draft = try DataAssetRules.registration(request)
        return try await mutation(request) { tx in
            let id = UUID()
            try await DataAssetStore.insert(
                tx, id: id, owner: owner, registeredBy: principal.accountID, draft)
            try await OwnershipStore.append(
                tx,
                OwnershipChangeRecord(
                    kind: "registered", assetID: id, fromID: nil, toID: owner, units: draft.totalUnits, version: 1))
            try await RegistryChainStore.append(
                tx, kind: "asset.registered", subject: id,
                fields: [
                    "owner_id": owner.text, "pool_code": draft.poolCode, "version": "1",
                    "content_hash": draft.contentHash, "total_units": "\(draft.totalUnits)",
                    "registered_by": principal.accountID.text,
                ])
            try await Outbox.append(
                tx,
                AssetsEvents.AssetRegistered(
                    subjects: .init(assetID: id.text, ownerID: owner.text),
                    payload: .init(assetID: id.text, ownerID: owner.text, poolCode: draft.poolCode, version: 1)))
            let registered = try await DataAssetStore.find(tx, id: id)!.message
            // An officer registering on an owner's behalf decides for them.
            if principal.role == .officer {
                try await audit(tx, principal, "asset.register", subject: "asset/\(id.text)", before: nil, after: registered)
            }
            return registered
        }
    }

    func getDataAsset(request: Nomad_Assets_V1_GetDataAssetRequest, context: ServerContext) async throws -> Nomad_Assets_V1_DataAsset {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        return try await database.read { try await requireAsset($0, id: id) }.message
    }

    func listDataAssets(
        request: Nomad_Assets_V1_ListDataAssetsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListDataAssetsResponse {
        _ = try caller
        let page = try Page(request.page)
        let pool = request.poolCode.isEmpty ? nil : try DataAssetRules.poolCode(request.poolCode)
        let owner = request.ownerID.isEmpty ? nil : try Validate.uuid(request.ownerID, "owner_id")
        let assets = try await database.read { tx in
            try await DataAssetStore.list(tx, poolCode: pool, owner: owner, page: page)
        }
        return .listing(\.assets, assets.map(\.message), page)
    }

    func addAssetVersion(
        request: Nomad_Assets_V1_AddAssetVersionRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_DataAssetVersion {
        let principal = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let hash = try Validate.sha256Hex(request.contentHash, "content_hash")
        let description = try DataAssetRules.localized(request.description_p, "description", max: DataAssetRules.maxDescription)
        return try await mutation(request) { tx in
            let asset = try await requireAsset(tx, id: id, lock: true)
            guard asset.ownerID == principal.accountID else { throw NomadError.permissionDenied }
            let version = try await DataAssetStore.addVersion(
                tx, asset: asset, hash: hash, zh: description.zh, en: description.en, by: principal.accountID)
            try await RegistryChainStore.append(
                tx, kind: "asset.versioned", subject: id,
                fields: ["version": "\(version)", "content_hash": hash, "by": principal.accountID.text])
            let versions = try await DataAssetStore.versions(tx, assetID: id)
            return versions.last!.message
        }
    }

    func listAssetVersions(
        request: Nomad_Assets_V1_ListAssetVersionsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListAssetVersionsResponse {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let versions = try await database.read { tx in
            _ = try await requireAsset(tx, id: id)
            return try await DataAssetStore.versions(tx, assetID: id)
        }
        return .with { $0.versions = versions.map(\.message) }
    }

    func recordValuation(
        request: Nomad_Assets_V1_RecordValuationRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_AssetValuation {
        let principal = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let valuation = try DataAssetRules.valuation(request, today: ZoneDay.today())
        return try await mutation(request) { tx in
            let asset = try await requireAsset(tx, id: id, lock: true)
            let version = try Self.version(valuation.version, of: asset)
            let valuationID = UUID()
            try await ValuationStore.insert(
                tx, id: valuationID, assetID: id, version: version, valuation, recordedBy: principal.accountID)
            try await RegistryChainStore.append(
                tx, kind: "asset.valued", subject: id,
                fields: [
                    "valuation_id": valuationID.text, "version": "\(version)", "method": valuation.method.name,
                    "value_minor": "\(valuation.valueMinor)", "currency": valuation.currency,
                    "appraiser": valuation.appraiser, "valuation_date": valuation.date.iso,
                ])
            try await Outbox.append(
                tx,
                AssetsEvents.AssetValued(
                    subjects: .init(assetID: id.text, valuationID: valuationID.text),
                    payload: .init(
                        assetID: id.text, version: version, method: valuation.method.name, valueMinor: valuation.valueMinor,
                        currency: valuation.currency)))
            let recorded = try await ValuationStore.find(tx, id: valuationID)!.message
            try await audit(tx, principal, "asset.value", subject: "asset/\(id.text)", before: asset.message, after: recorded)
            return recorded
        }
    }

    func listValuations(
        request: Nomad_Assets_V1_ListValuationsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListValuationsResponse {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let page = try Page(request.page)
        let valuations = try await database.read { tx in
            _ = try await requireAsset(tx, id: id)
            return try await ValuationStore.list(
                tx, assetID: id, limit: page.fetchLimit, offset: page.offset)
        }
        return .listing(\.valuations, valuations.map(\.message), page)
    }

    // MARK: shared by the registry areas

    func requireAsset(_ tx: Tx, id: UUID, lock: Bool = false) async throws -> DataAssetRecord {
        let asset = try await DataAssetStore.find(tx, id: id, lock: lock).orNotFound("data asset \(id.text)")
        return asset
    }

    /// The version a valuation or trade names: nil means the latest.
    static func version(_ requested: Int32?, of asset: DataAssetRecord) throws -> Int32 {
        guard let requested else { return asset.latestVersion }
        guard requested >= 1, requested <= asset.latestVersion else {
            throw NomadError.notFound("version \(requested) of data asset \(asset.id.text)")
        }
        return requested
    }
}

import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import PostgresNIO

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
        return try await mutation("RegisterDataAsset", requestID: request.requestID, request: request) { connection in
            let id = UUID()
            try await DataAssetStore.insert(
                connection, id: id, owner: owner, registeredBy: principal.accountID, draft, logger: logger)
            try await OwnershipStore.append(
                connection, OwnershipChangeRecord(
                    kind: "registered", assetID: id, fromID: nil, toID: owner, units: draft.totalUnits, version: 1),
                logger: logger)
            try await RegistryChainStore.append(
                connection, kind: "asset.registered", subject: id,
                fields: ["owner_id": owner.text, "pool_code": draft.poolCode, "version": "1",
                         "content_hash": draft.contentHash, "total_units": "\(draft.totalUnits)",
                         "registered_by": principal.accountID.text],
                logger: logger)
            try await Outbox.append(
                connection, AssetsEvents.AssetRegistered(
                subjects: .init(assetID: id.text, ownerID: owner.text),
                payload: .init(assetID: id.text, ownerID: owner.text, poolCode: draft.poolCode, version: 1)),
                logger: logger)
            let registered = try await DataAssetStore.find(connection, id: id, logger: logger)!.message
            // An officer registering on an owner's behalf decides for them.
            if principal.role == .officer {
                try await audit(connection, principal, "asset.register", subject: "asset/\(id.text)", before: nil, after: registered)
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
        let assets = try await database.read { connection in
            try await DataAssetStore.list(connection, poolCode: pool, owner: owner, page: page, logger: logger)
        }
        return .with {
            $0.assets = assets.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: assets.count)
        }
    }

    func addAssetVersion(
        request: Nomad_Assets_V1_AddAssetVersionRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_DataAssetVersion {
        let principal = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let hash = try Validate.sha256Hex(request.contentHash, "content_hash")
        let description = try DataAssetRules.localized(request.description_p, "description", max: DataAssetRules.maxDescription)
        return try await mutation("AddAssetVersion", requestID: request.requestID, request: request) { connection in
            let asset = try await requireAsset(connection, id: id, lock: true)
            guard asset.ownerID == principal.accountID else { throw NomadError.permissionDenied }
            let version = try await DataAssetStore.addVersion(
                connection, asset: asset, hash: hash, zh: description.zh, en: description.en, by: principal.accountID,
                logger: logger)
            try await RegistryChainStore.append(
                connection, kind: "asset.versioned", subject: id,
                fields: ["version": "\(version)", "content_hash": hash, "by": principal.accountID.text], logger: logger)
            let versions = try await DataAssetStore.versions(connection, assetID: id, logger: logger)
            return versions.last!.message
        }
    }

    func listAssetVersions(
        request: Nomad_Assets_V1_ListAssetVersionsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListAssetVersionsResponse {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let versions = try await database.read { connection in
            _ = try await requireAsset(connection, id: id)
            return try await DataAssetStore.versions(connection, assetID: id, logger: logger)
        }
        return .with { $0.versions = versions.map(\.message) }
    }

    func recordValuation(
        request: Nomad_Assets_V1_RecordValuationRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_AssetValuation {
        let principal = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let valuation = try DataAssetRules.valuation(request, today: ZoneDay.today())
        return try await mutation("RecordValuation", requestID: request.requestID, request: request) { connection in
            let asset = try await requireAsset(connection, id: id, lock: true)
            let version = try Self.version(valuation.version, of: asset)
            let valuationID = UUID()
            try await ValuationStore.insert(
                connection, id: valuationID, assetID: id, version: version, valuation, recordedBy: principal.accountID,
                logger: logger)
            try await RegistryChainStore.append(
                connection, kind: "asset.valued", subject: id,
                fields: ["valuation_id": valuationID.text, "version": "\(version)", "method": valuation.method.name,
                         "value_minor": "\(valuation.valueMinor)", "currency": valuation.currency,
                         "appraiser": valuation.appraiser, "valuation_date": valuation.date.iso],
                logger: logger)
            try await Outbox.append(
                connection, AssetsEvents.AssetValued(
                subjects: .init(assetID: id.text, valuationID: valuationID.text),
                payload: .init(
                    assetID: id.text, version: version, method: valuation.method.name, valueMinor: valuation.valueMinor,
                    currency: valuation.currency)),
                logger: logger)
            let recorded = try await ValuationStore.find(connection, id: valuationID, logger: logger)!.message
            try await audit(connection, principal, "asset.value", subject: "asset/\(id.text)", before: asset.message, after: recorded)
            return recorded
        }
    }

    func listValuations(
        request: Nomad_Assets_V1_ListValuationsRequest, context: ServerContext
    ) async throws -> Nomad_Assets_V1_ListValuationsResponse {
        _ = try caller
        let id = try Validate.uuid(request.assetID, "asset_id")
        let page = try Page(request.page)
        let valuations = try await database.read { connection in
            _ = try await requireAsset(connection, id: id)
            return try await ValuationStore.list(
                connection, assetID: id, limit: page.fetchLimit, offset: page.offset, logger: logger)
        }
        return .with {
            $0.valuations = valuations.prefix(page.limit).map(\.message)
            $0.page = page.response(fetched: valuations.count)
        }
    }

    // MARK: shared by the registry areas

    func requireAsset(_ connection: PostgresConnection, id: UUID, lock: Bool = false) async throws -> DataAssetRecord {
        guard let asset = try await DataAssetStore.find(connection, id: id, lock: lock, logger: logger) else {
            throw NomadError.notFound("data asset \(id.text)")
        }
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

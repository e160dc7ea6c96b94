import GRPCCore
import NomadKit
import NomadProtos

// PLACEHOLDER (the lead replaces this file after A and B merge): CSV export.
extension AnalyticsService {
    func exportCsv(request: Nomad_Analytics_V1_ExportCsvRequest, response: RPCWriter<Nomad_Analytics_V1_CsvChunk>, context: ServerContext) async throws {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
}

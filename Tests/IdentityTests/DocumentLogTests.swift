import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// Documents never reach the logs: identity as a real process at trace level,
/// its stdout and stderr read after a nomad registered with a passport,
/// uploaded a document (and a refused one), cited it and read it back.
@Suite struct DocumentLogTests {
    @Test func documentBytesFilenamesAndDocumentNumbersAreNeverLogged() async throws {
        let directory = NSTemporaryDirectory() + "nomad-document-logs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let marker = "NZSECRET" + String((0..<12).map { _ in "ABCDEFGHJKLMNPQRSTUVWXYZ".randomElement()! })
        let passport = "P" + String(Int.random(in: 10_000_000...99_999_999))
        let pdf = Data("%PDF-1.7\n% \(marker) bank statement\n".utf8) + SampleFiles.pdf(size: 90_000)
        let filename = "\(marker)-statement.pdf"

        try await withServiceProcesses(
            "nomad-identity", service: "identity", count: 1,
            environment: ["NOMAD_LOG_LEVEL": "trace", "NOMAD_PASSWORD_COST_LOG2": "10"], outputDirectory: directory
        ) { processes, _ in
            let client = IdentityClient(wrapping: processes[0].client)
            let account = try await client.registerNomad(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.username = "logs-\(UUID().uuidString.prefix(8).lowercased())"
                    $0.password = "correct horse battery"
                    $0.displayName = "Log Watcher"
                    $0.nationality = "DE"
                    $0.documentType = .passport
                    $0.documentNumber = passport
                }, metadata: callMetadata())
            let token = TestKeys.token(for: Principal(accountID: UUID(uuidString: account.id)!, role: .nomad))
            let document = try await client.uploadDocument(pdf, token: token, filename: filename)
            await expectRPCError(.invalidArgument) {
                _ = try await client.uploadDocument(Data("\(marker) is not a PDF".utf8), token: token, filename: filename)
            }
            var evidence = IdentityEnv.goodEvidence()
            evidence.documentIds = [document.id]
            _ = try await client.applyCertification(
                .with {
                    $0.requestID = UUID().uuidString
                    $0.evidence = evidence
                }, metadata: callMetadata(token: token))
            #expect(try await client.getDocument(document.id, token: token).bytes == pdf)
        }

        var logs = ""
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            logs += try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
        }
        // The run was logged (so the silence below means something) ...
        #expect(logs.contains("UploadDocument") && logs.contains("GetDocument"))
        // ... without the marker in the bytes or the filename, in text, hex or
        // base64, nor the passport number.
        let markerHex = Data(marker.utf8).map { String(format: "%02x", $0) }.joined()
        for secret in [marker, markerHex, markerHex.uppercased(), passport, pdf.prefix(48).base64EncodedString()] {
            #expect(!logs.contains(secret), "the logs hold \(secret)")
        }
    }
}

import Crypto
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

typealias EchoClient = Nomad_Bench_V1_EchoService.Client<HTTP2ClientTransport.Posix>

func echo(
    _ client: EchoClient, _ text: String, token: String?, language: String = "en", requestID: String = UUID().uuidString,
    options: CallOptions = .defaults
) async throws -> String {
    try await client.echo(
        .with {
            $0.text = text; $0.requestID = requestID
        }, metadata: callMetadata(token: token, language: language),
        options: options
    ).text
}

@discardableResult
func expectCode(
    _ code: RPCError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> RPCError? {
    do {
        try await body()
        Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected RPCError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

private func b64url(_ data: some DataProtocol) -> String {
    Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}

@Suite struct AuthInterceptorTests {
    let nomad = Principal(accountID: UUID(), role: .nomad)

    @Test func validTokenPassesAndEveryBadTokenIsUnauthenticated() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            #expect(try await echo(client, "hello", token: TestKeys.token(for: nomad)) == "hello")

            let now = Int64(Date().timeIntervalSince1970)
            let claims =
                #"{"aud":"nomad-zone","exp":\#(now + 600),"iat":\#(now),"iss":"nomad-identity","jti":"x","role":"nomad","sub":"\#(nomad.accountID.uuidString)"}"#
            let noneToken = b64url(Data(#"{"alg":"none","typ":"JWT","kid":"test-key-1"}"#.utf8)) + "." + b64url(Data(claims.utf8)) + "."
            let hsToken =
                b64url(Data(#"{"alg":"HS256","typ":"JWT","kid":"test-key-1"}"#.utf8)) + "." + b64url(Data(claims.utf8)) + "."
                + b64url(Data(HMAC<SHA256>.authenticationCode(for: Data(claims.utf8), using: SymmetricKey(size: .bits256))))
            let otherKey = SigningKey.generate(keyID: "test-key-1")
            let wrongKey = try AccessTokens(
                issuer: "nomad-identity", audience: "nomad-zone",
                keys: KeyRing(signingKey: otherKey, verificationKeys: [])
            )
            .issue(for: nomad, lifetime: 600).token
            let unknownKid = try AccessTokens(
                issuer: "nomad-identity", audience: "nomad-zone",
                keys: KeyRing(signingKey: .generate(keyID: "someone-else"), verificationKeys: [])
            )
            .issue(for: nomad, lifetime: 600).token
            let expired = TestKeys.token(for: nomad, lifetime: 60, now: Date().addingTimeInterval(-3600))
            let wrongAudience = try AccessTokens(issuer: "nomad-identity", audience: "another-suite", keys: TestKeys.ring)
                .issue(for: nomad, lifetime: 600).token
            let valid = TestKeys.token(for: nomad)
            var parts = valid.split(separator: ".").map(String.init)
            parts[1] = b64url(Data(claims.replacingOccurrences(of: "\"nomad\"", with: "\"admin\"").utf8))
            let tampered = parts.joined(separator: ".")

            for (name, token) in [
                ("alg none", noneToken), ("HS256", hsToken), ("wrong key", wrongKey), ("unknown kid", unknownKid),
                ("expired", expired), ("wrong audience", wrongAudience), ("tampered claims", tampered),
                ("malformed", "not-a-token"), ("two parts", "abc.def"), ("garbage", "a.b.c"), ("empty", ""),
            ] {
                let error = await expectCode(.unauthenticated) { _ = try await echo(client, "x", token: token) }
                #expect(error != nil, "\(name)")
            }
            await expectCode(.unauthenticated) { _ = try await echo(client, "x", token: nil) }
            // Rows written: only the one valid call.
            #expect(try await TestAppHelpers.count(app.app, "SELECT count(*)::int FROM echoes") == 1)
        }
    }

    @Test func wrongRoleIsPermissionDeniedInTheCallersLanguage() async throws {
        try await withTestApp(EchoTestService.definition) { app in
            let client = EchoClient(wrapping: app.client)
            let enterprise = TestKeys.token(for: Principal(accountID: UUID(), role: .enterprise))
            let zh = await expectCode(.permissionDenied) { _ = try await echo(client, "x", token: enterprise, language: "zh-CN,zh;q=0.9") }
            let en = await expectCode(.permissionDenied) { _ = try await echo(client, "x", token: enterprise, language: "en-US") }
            #expect(zh?.message == "无权执行此操作")
            #expect(en?.message == "You are not allowed to do this")
        }
    }
}

import Foundation
import GRPCCore
@testable import NomadKit
import NomadProtos
import SwiftProtobuf
import Testing

/// The contract-wide checks every request passes before a handler (the
/// every-RPC fuzz test in SuiteTests shows no service is left out).
@Suite struct RequestScreenTests {
    func refusal(_ message: some SwiftProtobuf.Message) -> NomadError? {
        do {
            try RequestScreen.check(message)
            return nil
        } catch let error as NomadError {
            return error
        } catch {
            return nil
        }
    }

    @Test(arguments: [Int64(100_000_000_000_000_000), -100_000_000_000_000_000, .max, .min, -2_208_988_801, 7_258_118_400])
    func timestampsOutsideTheZonesRangeAreRefusedByPath(seconds: Int64) throws {
        let request = Nomad_Events_V1_ListEventsRequest.with { $0.startsBefore = .with { $0.seconds = seconds } }
        let error = try #require(refusal(request))
        #expect(error.code == .invalidArgument)
        #expect(error.message.en.contains("starts_before"))
        #expect(error.message.zhCN.contains("starts_before"))
    }

    @Test func timestampsInsideTheRangeWithValidNanosPass() {
        for seconds: Int64 in [-2_208_988_800, 0, 1_800_000_000, 7_258_118_399] {
            #expect(refusal(Nomad_Events_V1_ListEventsRequest.with { $0.startsAfter = .with { $0.seconds = seconds } }) == nil)
        }
        let badNanos = Nomad_Events_V1_ListEventsRequest.with {
            $0.startsAfter = .with {
                $0.seconds = 0; $0.nanos = 1_000_000_000
            }
        }
        #expect(refusal(badNanos)?.code == .invalidArgument)
        let negativeNanos = Nomad_Events_V1_ListEventsRequest.with {
            $0.startsAfter = .with {
                $0.seconds = 0; $0.nanos = -1
            }
        }
        #expect(refusal(negativeNanos)?.code == .invalidArgument)
    }

    @Test func durationsBeyondACenturyOrWithMixedSignsAreRefused() throws {
        #expect(throws: NomadError.self) { try ZoneTime.check(Google_Protobuf_Duration.with { $0.seconds = .max }, "d") }
        #expect(throws: NomadError.self) {
            try ZoneTime.check(
                Google_Protobuf_Duration.with {
                    $0.seconds = 1; $0.nanos = -1
                }, "d")
        }
        try ZoneTime.check(
            Google_Protobuf_Duration.with {
                $0.seconds = -86_400; $0.nanos = -5
            }, "d")
    }

    @Test func aNulCharacterAnywhereIsRefusedNamingTheField() throws {
        let login = Nomad_Identity_V1_LoginRequest.with {
            $0.username = "admin\u{0}"; $0.password = "x"
        }
        let error = try #require(refusal(login))
        #expect(error.code == .invalidArgument)
        #expect(error.message.en.contains("username"))
        // Nested, repeated and map strings too.
        let event = Nomad_Events_V1_CreateEventRequest.with {
            $0.event = .with { $0.title = ["en": "ok", "ru": "Ду\u{0}мка"] }
        }
        #expect(refusal(event)?.message.en.contains("event.title") == true)
        #expect(refusal(Nomad_Identity_V1_LoginRequest.with { $0.username = "新英湾 مرحبا" }) == nil)
    }

    @Test func enumValuesTheContractDoesNotDefineAreRefused() throws {
        var request = Nomad_Events_V1_ListEventsRequest()
        request.status = .UNRECOGNIZED(Int(Int32.max))
        let error = try #require(refusal(request))
        #expect(error.code == .invalidArgument)
        #expect(error.message.en.contains("status"))
        request.status = .published
        #expect(refusal(request) == nil)
    }

    @Test func forgedPageTokensWithHugeOffsetsAreRefused() {
        for forged in ["o:9223372036854775807", "o:10000001", "o:99999999999999999999999"] {
            #expect(throws: NomadError.self) { try Page(size: 10, token: Base64URL.encode(Data(forged.utf8))) }
        }
        #expect(throws: NomadError.self) { try Page(size: 10, token: String(repeating: "A", count: 4_000)) }
    }
}

import Foundation
import NomadProtos
import SwiftProtobuf

/// The events `bench-analytics` sends: what the relays deliver most, in the
/// shapes the KPI queries read. 60 % community-site visits, 30 % event
/// check-ins (people and days drawn over the year, so many fall on one
/// person-day, as real visits do), 5 % certifications, 5 % bounty
/// completions. A fixed seed makes every run send the same events.
struct AnalyticsBenchEvents {
    let year: Int
    let nomads: Int

    func batches(count: Int, size: Int) -> [[Nomad_Common_V1_DomainEvent]] {
        var random = SplitMix64(seed: 20_261_125)
        let people = (0..<nomads).map { _ in random.uuid() }
        let sites = (0..<12).map { _ in random.uuid() }
        let forums = (0..<40).map { _ in random.uuid() }
        let start = DateComponents(
            calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "Asia/Shanghai"),
            year: year, month: 1, day: 1, hour: 9
        ).date!
        var all: [Nomad_Common_V1_DomainEvent] = []
        all.reserveCapacity(count)
        for _ in 0..<count {
            let person = people[Int(random.next() % UInt64(nomads))]
            let dayIndex = Int(random.next() % 365)
            let when = start.addingTimeInterval(Double(dayIndex) * 86_400 + Double(random.next() % 28_800))
            let day = Self.dayText(when)
            let area = random.next() % 3 == 0 ? "linked" : "core"
            let roll = random.next() % 100
            var event = Nomad_Common_V1_DomainEvent.with {
                $0.eventID = random.uuid()
                $0.schemaVersion = 1
                $0.occurredAt = Google_Protobuf_Timestamp(date: when)
            }
            switch roll {
            case 0..<60:
                event.sourceService = "identity"
                event.type = "identity.site.visited"
                event.subjectIds = ["account_id": person, "site_id": sites[Int(random.next() % 12)]]
                event.payloadJson = #"{"area":"\#(area)","day":"\#(day)"}"#
            case 60..<90:
                event.sourceService = "events"
                event.type = "events.checkin.recorded"
                let forum = forums[Int(random.next() % 40)]
                event.subjectIds = ["event_id": forum, "registration_id": random.uuid()]
                event.payloadJson = #"{"area":"\#(area)","attendee_id":"\#(person)","visit_day":"\#(day)"}"#
            case 90..<95:
                event.sourceService = "identity"
                event.type = "identity.nomad.certified"
                event.subjectIds = ["account_id": person]
                event.payloadJson = "{}"
            default:
                event.sourceService = "jobs"
                event.type = "jobs.bounty.completed"
                event.subjectIds = ["bounty_id": random.uuid(), "winner_id": person]
                event.payloadJson = "{}"
            }
            all.append(event)
        }
        return stride(from: 0, to: all.count, by: size).map { Array(all[$0..<min($0 + size, all.count)]) }
    }

    private static func dayText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// A small seeded generator (SplitMix64), so the bench's events repeat.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uuid() -> String {
        let (a, b) = (next(), next())
        var bytes = withUnsafeBytes(of: (a, b)) { Array($0) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
        .uuidString.lowercased()
    }
}

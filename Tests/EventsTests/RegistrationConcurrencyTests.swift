import Foundation
import GRPCCore
@testable import Events
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// Many people register at once, as they would across replicas: the event's
/// row lock alone decides who gets a seat.
@Suite struct RegistrationConcurrencyTests {
    enum Outcome: Sendable {
        case registered(Nomad_Events_V1_EventRegistration)
        case failed(String)
    }

    @Test func threeHundredRegistrationsIntoAHundredSeats() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(capacity: 100))
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        let attendee = index % 3 == 0 ? env.enterprise() : env.nomad()
                        do {
                            return .registered(try await env.registerForEvent(attendee, for: event))
                        } catch {
                            return .failed("\(error)")
                        }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            var registrations: [Nomad_Events_V1_EventRegistration] = [], failures: [String] = []
            for outcome in outcomes {
                switch outcome {
                case .registered(let registration): registrations.append(registration)
                case .failed(let text): failures.append(text)
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            let confirmed = registrations.filter { $0.status == .confirmed }
            let waitlisted = registrations.filter { $0.status == .waitlisted }
            #expect(confirmed.count == 100)
            #expect(waitlisted.count == 200)
            #expect(waitlisted.map(\.waitlistPosition).sorted() == Array(1...200))

            // The order the database serialized them in: waitlist numbers and
            // positions agree, with no gaps.
            let id = UUID(uuidString: event.eventID)!
            #expect(
                try await env.calendarCount(
                    """
                    SELECT count(*) FROM (
                      SELECT waitlist_seq, row_number() OVER (ORDER BY waitlist_seq) AS n FROM registrations
                      WHERE event_id = \(id) AND status = 2) q
                    WHERE waitlist_seq = n
                    """) == 200)
            let listed = try await env.client.listRegistrations(
                .with {
                    $0.eventID = event.eventID
                    $0.status = .waitlisted
                    $0.page.pageSize = 100
                }, metadata: owner.metadata)
            #expect(listed.registrations.map(\.waitlistPosition) == Array(1...100))

            let read = try await env.client.getEvent(.with { $0.eventID = event.eventID }, metadata: owner.metadata)
            #expect(read.confirmedCount == 100 && read.waitlistedCount == 200)
            #expect(try await env.calendarCount("SELECT count(*) FROM registrations WHERE event_id = \(id) AND status = 1") == 100)
            #expect(try await env.calendarCount("SELECT count(*) FROM tickets WHERE event_id = \(id)") == 100)
            #expect(try await env.app.outboxCount(type: "events.registration.confirmed", subject: event.eventID) == 100)
            #expect(try await env.app.outboxCount(type: "events.registration.waitlisted", subject: event.eventID) == 200)
        }
    }

    /// Twenty seat holders cancel at once: exactly the first twenty waiting move up.
    @Test func concurrentCancellationsPromoteTheHeadOfTheWaitlist() async throws {
        try await withEvents { env in
            let owner = env.enterprise()
            let event = try await env.publishedEvent(by: owner, EventsEnv.eventDraft(capacity: 20))
            var holders: [(EventsEnv.Caller, Nomad_Events_V1_EventRegistration)] = []
            for _ in 0..<20 {
                let person = env.nomad()
                holders.append((person, try await env.registerForEvent(person, for: event)))
            }
            var waiting: [Nomad_Events_V1_EventRegistration] = []
            for _ in 0..<30 { waiting.append(try await env.registerForEvent(env.nomad(), for: event)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (person, registration) in holders {
                    group.addTask { _ = try await env.cancelRegistration(registration, by: person) }
                }
                try await group.waitForAll()
            }
            let confirmed = try await env.client.listRegistrations(
                .with {
                    $0.eventID = event.eventID
                    $0.status = .confirmed
                    $0.page.pageSize = 100
                }, metadata: owner.metadata)
            #expect(Set(confirmed.registrations.map(\.registrationID)) == Set(waiting.prefix(20).map(\.registrationID)))
            let still = try await env.client.listRegistrations(
                .with {
                    $0.eventID = event.eventID
                    $0.status = .waitlisted
                    $0.page.pageSize = 100
                }, metadata: owner.metadata)
            #expect(still.registrations.map(\.registrationID) == waiting.suffix(10).map(\.registrationID))
            #expect(still.registrations.map(\.waitlistPosition) == Array(1...10))
        }
    }
}

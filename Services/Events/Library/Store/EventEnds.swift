import Foundation
import Synchronization

/// Events' ends as `register_for_event` last reported them, so a ticket can
/// be signed before the statement is sent. Only a hint: the function checks
/// it under the event's row lock and answers the true end when it is wrong,
/// so a moved event, a new one or another replica's view costs one more round
/// trip, never a wrong ticket.
final class EventEnds: Sendable {
    /// Past this many events the hints start again from none: an event's
    /// registrations come in bursts, so a cold entry costs one round trip.
    static let capacity = 4096

    private let ends = Mutex<[UUID: Int64]>([:])

    func end(of event: UUID) -> Int64? {
        ends.withLock { $0[event] }
    }

    func remember(_ endMicros: Int64, of event: UUID) {
        ends.withLock {
            if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
            $0[event] = endMicros
        }
    }
}

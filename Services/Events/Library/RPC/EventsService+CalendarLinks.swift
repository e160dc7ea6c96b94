import Foundation
import NomadKit
import PostgresNIO

/// An open-day scenario or a competition may name its day on the calendar.
/// The named event must exist and be of the matching kind; a competition's
/// event must also be its organizer's own, so nobody hangs a contest on
/// someone else's calendar entry.
extension EventsService {
    func checkCalendarLink(
        _ tx: Tx, eventID: UUID?, kind: Int16, organizer: Principal?
    ) async throws {
        guard let eventID else { return }
        guard let event = try await EventStore.find(tx, id: eventID) else {
            throw CompetitionErrors.unknownCalendarEvent
        }
        guard event.kind == kind else { throw CompetitionErrors.calendarKindMismatch(EventRules.kindName(kind)) }
        if let organizer, !EventRules.mayManage(event, organizer) { throw NomadError.permissionDenied }
    }
}

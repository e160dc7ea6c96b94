import GRPCCore
import NomadKit
import NomadProtos

/// Who may call each calendar RPC (events, registration, tickets and
/// check-in, matchmaking, reward applications). Ownership (an event's
/// organizer, an attendee's own registration and ticket, a slot's owner) is
/// checked in the handlers.
enum CalendarAccess {
    typealias M = Nomad_Events_V1_EventsService.Method

    static let signedIn: Set<Role> = Set(Role.allCases)
    /// Who may organize events: enterprises, officers (departments), admins.
    static let organizers: Set<Role> = [.enterprise, .officer, .admin]
    /// Who may attend events.
    static let attendees: Set<Role> = [.nomad, .enterprise, .officer]
    /// The gate: organizers (checked per event in the handler), officers, admins.
    static let gate: Set<Role> = [.enterprise, .officer, .admin]

    static let rules: [MethodDescriptor: AccessPolicy.Rule] = [
        M.CreateEvent.descriptor: .roles(organizers),
        M.UpdateEvent.descriptor: .roles(organizers),
        M.PublishEvent.descriptor: .roles(organizers),
        M.CancelEvent.descriptor: .roles(organizers),
        M.FinishEvent.descriptor: .roles(organizers),
        M.GetEvent.descriptor: .roles(signedIn),
        // Open: the portal's signed-out pages list published events (the
        // handler answers anonymous callers with public items only).
        M.ListEvents.descriptor: .open,

        M.RegisterForEvent.descriptor: .roles(attendees),
        M.CancelRegistration.descriptor: .roles(attendees.union([.admin])),
        M.ListRegistrations.descriptor: .roles(organizers),
        M.ListMyRegistrations.descriptor: .roles(attendees),

        M.GetTicket.descriptor: .roles(attendees.union([.admin])),
        M.GetTicketKeys.descriptor: .open,
        M.VerifyTicket.descriptor: .roles(gate),
        M.CheckIn.descriptor: .roles(gate),
        M.CheckOut.descriptor: .roles(gate),
        M.GetAttendance.descriptor: .roles(gate),

        M.PublishMeetingSlot.descriptor: .roles(attendees),
        M.ListMeetingSlots.descriptor: .roles(attendees.union([.admin])),
        M.RequestMeeting.descriptor: .roles(attendees),
        M.RespondToMeeting.descriptor: .roles(attendees),
        M.GetMySchedule.descriptor: .roles(attendees),

        M.ApplyForEventReward.descriptor: .roles(organizers),
        M.ReviewEventReward.descriptor: .roles([.officer]),
        M.ListEventRewardApplications.descriptor: .roles(organizers),
    ]
}

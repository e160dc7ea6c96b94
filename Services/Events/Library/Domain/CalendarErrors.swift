import GRPCCore
import NomadKit

/// Refusals the calendar areas (events, registration, tickets, matchmaking,
/// rewards) share, each in both languages.
enum CalendarErrors {
    static let eventNotFound = NomadError.notFound("event")
    static let registrationClosed = NomadError(
        .failedPrecondition, zh: "该活动的报名已截止或未开放", en: "Registration for this event is closed or not open")
    static let alreadyRegistered = NomadError(
        .alreadyExists, zh: "您已报名该活动", en: "You are already registered for this event")
    static let alreadyCheckedIn = NomadError(
        .alreadyExists, zh: "该票已签到，不能重复签到", en: "This ticket has already been checked in here")
    static let eventNotRunning = NomadError.wrongState("活动未在进行", "the event is not running")
    static let ticketForAnotherEvent = NomadError.wrongState("该票属于另一个活动", "the ticket is for another event")
    static let cardNotRegistered = NomadError.wrongState(
        "一卡通与报名时登记的不符", "the card is not the one given at registration")
    /// The codes `register_for_event` refuses with, as the other paths' own.
    static func registrationRefusal(_ refusal: OneStatementMutation.Refusal) -> NomadError {
        switch refusal.code {
        case "event_not_found": eventNotFound
        case "registration_closed": registrationClosed
        case "already_registered": alreadyRegistered
        default: NomadError.internalError
        }
    }
    /// The codes `check_in` refuses with, as the gate's checks (`admit`) state them.
    static func checkInRefusal(_ refusal: OneStatementMutation.Refusal) -> NomadError {
        switch refusal.code {
        case "event_not_found": eventNotFound
        case "permission_denied": NomadError.permissionDenied
        case "event_not_running": eventNotRunning
        case "session_not_found": NomadError.notFound("session")
        case "ticket_other_event": ticketForAnotherEvent
        case "invalid_credential": invalidCredential
        case "card_mismatch": cardNotRegistered
        case "not_confirmed": notConfirmed
        case "already_checked_in": alreadyCheckedIn
        default: NomadError.internalError
        }
    }
    static let notCheckedIn = NomadError(
        .failedPrecondition, zh: "尚未在此签到，不能签退", en: "Not checked in here, so cannot check out")
    static let invalidCredential = NomadError(
        .invalidArgument, zh: "门票或一卡通二维码无效", en: "The ticket or one-card QR is not valid")
    static let notConfirmed = NomadError(
        .failedPrecondition, zh: "该报名未确认（候补或已取消）", en: "This registration is not confirmed (waitlisted or cancelled)")
    static let notParticipant = NomadError(
        .permissionDenied, zh: "只有该活动已确认报名的参与者可以这样做", en: "Only confirmed participants of this event may do this")
    static let tooManyMeetingRequests = NomadError(
        .resourceExhausted, zh: "待处理的约见请求已达上限", en: "You have reached the limit of outstanding meeting requests")
    static let slotBooked = NomadError(
        .failedPrecondition, zh: "该时段已被预约", en: "This slot is already booked")
    /// One person, one meeting at a time.
    static let youHaveAMeetingThen = NomadError(
        .failedPrecondition, zh: "您在该时段已有已确认的约见", en: "You already have an accepted meeting at that time")
    static let requesterHasAMeetingThen = NomadError(
        .failedPrecondition, zh: "对方在该时段已有已确认的约见", en: "The requester already has an accepted meeting at that time")
}

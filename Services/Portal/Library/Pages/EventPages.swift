import Foundation
import GRPCCore
import Hummingbird
import NomadProtos
import SwiftProtobuf

/// A nomad's events: one event in full (its texts in the page's language,
/// times, venue, programme, places) with the register button or the state of
/// their registration; their registrations with the waitlist position, the
/// ticket as a QR drawn on the server, a cancel button, and the day's
/// accepted meetings. The public list and its search are PublicPages' /events.
///
/// The events service decides everything: a full event waitlists, a freed
/// place goes to the first waiting, a closed one refuses. The portal checks
/// only what it can before asking: a well-formed id (else 404) and a nomad's
/// session for the nomads' pages and posts (else 403).
enum EventPages {
    static func register(on router: RouterGroup<PortalContext>, portal: Portal) {
        router.get("/events/:id") { request, context in try await event(request, context, portal) }
        router.post("/events/:id/register") { request, context in try await register(request, context, portal) }
        router.get("/my/events") { request, context in try await mine(request, context, portal) }
        router.post("/my/events/:id/cancel") { request, context in try await cancel(request, context, portal) }
    }

    /// The path's id as the services write ids (lowercase UUID), or 404.
    static func id(_ context: PortalContext, parameter: String = "id") throws -> String {
        guard let raw = context.parameters.get(parameter), raw.count == 36, let id = UUID(uuidString: raw) else {
            throw PageError.notFound
        }
        return id.uuidString.lowercased()
    }

    /// Refusals that belong next to the form; the rest (not found, not
    /// allowed, a service down, a stale token) become the portal's error pages.
    static func formRefusal(_ error: RPCError) -> Bool {
        ![.notFound, .permissionDenied, .unavailable, .unauthenticated, .deadlineExceeded].contains(error.code)
    }

    // MARK: one event

    static func event(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        let id = try id(context)
        let event: Nomad_Events_V1_Event
        var registration: Nomad_Events_V1_EventRegistration?
        if let session = context.session {
            let call = portal.call(context)
            async let asked = portal.backends.events.getEvent(.with { $0.eventID = id }, metadata: call.metadata, options: call.options)
            if session.isNomad {
                // The live one (confirmed or waitlisted) if any; a cancelled one lets them register again.
                registration = try await myRegistrations(portal, call).first { $0.eventID == id && $0.status != .cancelled }
            }
            event = try await asked
        } else {
            // GetEvent is for signed-in callers; signed out, the public list's view
            // of an upcoming event, or sign in to see one the list does not hold.
            guard let listed = try await PublicPages.upcomingEvents(portal, context).first(where: { $0.eventID == id }) else {
                _ = try portal.requireSession(context, request)
                throw PageError.notFound
            }
            event = listed
        }
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        let closes = event.hasRegistrationCloseTime ? event.registrationCloseTime.date : event.startTime.date
        let open = event.status == .published && closes > Date()
        let isNomad = context.session?.isNomad == true
        var data = eventView(event, context, portal)
        data["description"] = View.text(event.description_p, context.language)
        data["closes"] = format.dateTime(closes)
        data["waitlisted"] =
            event.waitlistedCount > 0
            ? catalogue.text("event.waitlisted_count", ["n": format.number(Int(event.waitlistedCount))]) : ""
        data["status"] = event.status == .published ? "" : View.label("event_status", String(describing: event.status), catalogue)
        data["cancelReason"] = event.cancelReason
        data["onlineURL"] = event.venue.online.url.hasPrefix("https://") ? event.venue.online.url : ""
        data["sessions"] = event.sessions.sorted { $0.startTime.seconds < $1.startTime.seconds }.map { session in
            [
                "title": session.title, "room": session.room,
                "start": format.timestamp(session.startTime), "end": format.timestamp(session.endTime),
                "speakers": session.speakers.map { $0.affiliation.isEmpty ? $0.name : "\($0.name) (\($0.affiliation))" }
                    .joined(separator: catalogue.text("list.separator")),
            ] as [String: Any]
        }
        data["signedOut"] = context.session == nil
        data["notNomad"] = context.session != nil && !isNomad
        data["closed"] = !open
        if let registration {
            data["yours"] = registrationView(registration, catalogue, format)
        } else if isNomad && open {
            data["canRegister"] = true
            data["full"] = event.capacity > 0 && event.confirmedCount >= event.capacity
            data["requestID"] = UUID().uuidString
        }
        let title = (data["title"] as? [String: String])?["text"] ?? ""
        return portal.renderer.page(
            "event", titleKey: "event.page_title", titleValues: ["title": title], context: context, path: request.uri.path, data: data)
    }

    /// What the list and the event's own page both show of an event.
    static func eventView(_ event: Nomad_Events_V1_Event, _ context: PortalContext, _ portal: Portal) -> [String: Any] {
        let format = Formatting(language: context.language)
        let catalogue = portal.catalogue(context)
        return [
            "id": event.eventID,
            "title": View.text(event.title, context.language),
            "kind": View.label("event_kind", String(describing: event.kind), catalogue),
            "start": format.timestamp(event.startTime),
            "end": format.timestamp(event.endTime),
            "place": place(event.venue, catalogue),
            "seats": catalogue.text(
                "events.seats", ["taken": format.number(Int(event.confirmedCount)), "capacity": format.number(Int(event.capacity))]),
        ]
    }

    /// "Online", or the site's area after its address (the address in its own
    /// script, isolated by the templates so it reads right in Arabic pages too).
    static func place(_ venue: Nomad_Events_V1_EventVenue, _ catalogue: Catalogue) -> [String: String] {
        switch venue.place {
        case .online?:
            return ["address": "", "area": catalogue.text("events.online")]
        case .site(let site)?:
            let area = site.area == .core ? catalogue.text("area.coreXinyingBay") : catalogue.text("area.linked")
            return ["address": site.address, "area": area]
        case nil:
            return ["address": "", "area": ""]
        }
    }

    /// The state of a registration as the person reads it.
    static func registrationView(
        _ registration: Nomad_Events_V1_EventRegistration, _ catalogue: Catalogue, _ format: Formatting
    ) -> [String: Any] {
        let state =
            registration.checkedIn
            ? catalogue.text("my_events.checked_in") : View.label("reg_status", String(describing: registration.status), catalogue)
        let waiting = registration.status == .waitlisted && registration.waitlistPosition > 0
        return [
            "id": registration.registrationID,
            "state": state,
            "statusCode": registration.checkedIn ? "checkedIn" : String(describing: registration.status),
            "position": waiting
                ? catalogue.text("my_events.position", ["n": format.number(Int(registration.waitlistPosition))]) : "",
        ]
    }

    /// The caller's registrations, newest pages first as the service lists them
    /// (at most 500: a person with more sees the first 500).
    static func myRegistrations(_ portal: Portal, _ call: Call) async throws -> [Nomad_Events_V1_EventRegistration] {
        var registrations: [Nomad_Events_V1_EventRegistration] = []
        var token = ""
        for _ in 0..<5 {
            let page = try await portal.backends.events.listMyRegistrations(
                .with {
                    $0.page.pageSize = 100; $0.page.pageToken = token
                }, metadata: call.metadata, options: call.options)
            registrations += page.registrations
            token = page.page.nextPageToken
            if token.isEmpty { break }
        }
        return registrations
    }

    static func register(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = try id(context)
        let registration: Nomad_Events_V1_EventRegistration
        do {
            let call = portal.call(context)
            registration = try await portal.backends.events.registerForEvent(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.eventID = id
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where formRefusal(error) {
            throw portal.backToForm("/events/\(id)", context: context, error: error, operation: "event_register")
        }
        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        // A full event is no refusal: the service waitlists, and the page says where in line.
        let notice =
            registration.status == .waitlisted
            ? catalogue.text("my_events.registered_waitlisted", ["n": format.number(Int(registration.waitlistPosition))])
            : catalogue.text("my_events.registered_confirmed")
        throw portal.done("/my/events#reg-\(registration.registrationID)", notice: notice)
    }

    // MARK: the nomad's registrations

    static func mine(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let call = portal.call(context)
        let backends = portal.backends
        let today = zoneToday()
        async let schedule = try? backends.events.getMySchedule(.with { $0.day = today }, metadata: call.metadata, options: call.options)
        let registrations = try await myRegistrations(portal, call)

        // The events they belong to, and the tickets of the confirmed ones not
        // yet used, asked for together. An event that does not answer leaves its
        // title out; a ticket that does not, its code.
        let events = await withTaskGroup(of: Nomad_Events_V1_Event?.self) { group in
            for id in Set(registrations.map(\.eventID)) {
                group.addTask {
                    try? await backends.events.getEvent(.with { $0.eventID = id }, metadata: call.metadata, options: call.options)
                }
            }
            var events: [String: Nomad_Events_V1_Event] = [:]
            for await event in group { if let event { events[event.eventID] = event } }
            return events
        }
        let now = Date()
        func ended(_ registration: Nomad_Events_V1_EventRegistration) -> Bool {
            events[registration.eventID].map { $0.endTime.date < now } ?? false
        }
        let ticketed = registrations.filter { $0.status == .confirmed && !$0.checkedIn && !ended($0) }.prefix(20).map(\.registrationID)
        let tickets = await withTaskGroup(of: Nomad_Events_V1_EventTicket?.self) { group in
            for id in ticketed {
                group.addTask {
                    try? await backends.events.getTicket(.with { $0.registrationID = id }, metadata: call.metadata, options: call.options)
                }
            }
            var tickets: [String: Nomad_Events_V1_EventTicket] = [:]
            for await ticket in group { if let ticket { tickets[ticket.registrationID] = ticket } }
            return tickets
        }

        let catalogue = portal.catalogue(context)
        let format = Formatting(language: context.language)
        // Live registrations first, by the event's start; cancelled and past ones after.
        let ordered = registrations.sorted { first, second in
            let firstDone = first.status == .cancelled || ended(first), secondDone = second.status == .cancelled || ended(second)
            if firstDone != secondDone { return !firstDone }
            return (events[first.eventID]?.startTime.seconds ?? 0) < (events[second.eventID]?.startTime.seconds ?? 0)
        }
        var views: [[String: Any]] = []
        for registration in ordered {
            var view = registrationView(registration, catalogue, format)
            let event = events[registration.eventID]
            let title =
                event.map { View.text($0.title, context.language) } ?? [
                    "text": catalogue.text("my_events.untitled"), "lang": context.language.tag,
                ]
            view["eventID"] = registration.eventID
            view["title"] = title
            view["when"] = event.map { "\(format.timestamp($0.startTime)) – \(format.timestamp($0.endTime))" } ?? ""
            view["place"] = event.map { place($0.venue, catalogue) } ?? [:]
            view["registered"] = format.timestamp(registration.createTime)
            view["canCancel"] = registration.status != .cancelled && !registration.checkedIn && !ended(registration)
            view["requestID"] = UUID().uuidString
            if ticketed.contains(registration.registrationID) {
                if let ticket = tickets[registration.registrationID], let code = try? QRCode(text: ticket.token) {
                    view["qrSvg"] = code.svg(label: catalogue.text("my_events.ticket_label", ["event": title["text"] ?? ""]))
                    view["ticketExpires"] = format.timestamp(ticket.expireTime)
                } else {
                    view["ticketMissing"] = true
                }
            }
            views.append(view)
        }

        var data: [String: Any] = [
            "registrations": views, "none": views.isEmpty,
            "scheduleTitle": catalogue.text("my_events.schedule", ["date": format.day(today)]),
        ]
        if let meetings = await schedule?.meetings {
            data["meetings"] = meetings.map { meeting in
                [
                    "start": format.timestamp(meeting.startTime), "end": format.timestamp(meeting.endTime),
                    "location": meeting.location,
                    "event": events[meeting.eventID].map { View.text($0.title, context.language) } ?? ["text": "", "lang": ""],
                    "message": meeting.message,
                ] as [String: Any]
            }
            data["noMeetings"] = meetings.isEmpty
        } else {
            data["scheduleUnavailable"] = true
        }
        return portal.renderer.page("my_events", titleKey: "my_events.title", context: context, path: request.uri.path, data: data)
    }

    /// Today in the zone's time zone (Asia/Shanghai), the day GetMySchedule asks for.
    static func zoneToday(_ now: Date = Date()) -> Nomad_Common_V1_Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Formatting.zoneTimeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return .with {
            $0.year = Int32(parts.year ?? 1970)
            $0.month = Int32(parts.month ?? 1)
            $0.day = Int32(parts.day ?? 1)
        }
    }

    static func cancel(_ request: Request, _ context: PortalContext, _ portal: Portal) async throws -> Response {
        _ = try portal.requireNomad(context, request)
        let id = try id(context)
        let back = "/my/events#reg-\(id)"
        do {
            let call = portal.call(context)
            _ = try await portal.backends.events.cancelRegistration(
                .with {
                    $0.requestID = AccountPages.requestID(context.form)
                    $0.registrationID = id
                }, metadata: call.metadata, options: call.options)
        } catch let error as RPCError where formRefusal(error) {
            throw portal.backToForm(back, context: context, error: error, operation: "event_cancel")
        }
        throw portal.done(back, notice: "my_events.cancelled")
    }
}

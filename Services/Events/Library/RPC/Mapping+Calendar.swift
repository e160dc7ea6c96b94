import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

extension Nomad_Events_V1_Event {
    /// What an anonymous caller sees of a published event: the programme,
    /// place, times and how full it is, but not who organizes it when that is
    /// a person's account (officer, admin) rather than an enterprise's, and
    /// not the online room's address, which is for those who register.
    var publicView: Nomad_Events_V1_Event {
        var event = self
        if event.organizerRole != Role.enterprise.rawValue { event.organizerID = "" }
        if case .some(.online) = event.venue.place { event.venue.online.url = "" }
        event.cancelReason = ""
        return event
    }
}

extension EventRecord {
    var message: Nomad_Events_V1_Event {
        .with { event in
            event.eventID = id.text
            event.kind = .init(rawValue: Int(kind)) ?? .unspecified
            event.title = title
            event.description_p = description
            event.venue = .with { venue in
                if let onlineURL {
                    venue.online = .with { $0.url = onlineURL }
                } else {
                    venue.site = .with {
                        $0.siteID = siteID ?? ""
                        $0.area = .init(rawValue: Int(siteArea ?? 0)) ?? .unspecified
                        $0.address = siteAddress
                    }
                }
            }
            event.startTime = .init(date: startsAt)
            event.endTime = .init(date: endsAt)
            event.registrationCloseTime = .init(date: closesAt)
            event.capacity = Int32(capacity)
            event.sessions = sessions.map { session in
                .with {
                    $0.sessionID = session.id.text
                    $0.title = session.title
                    $0.room = session.room
                    $0.startTime = .init(date: session.startsAt)
                    $0.endTime = .init(date: session.endsAt)
                    $0.speakers = session.speakers.map { speaker in
                        .with {
                            $0.name = speaker.name; $0.affiliation = speaker.affiliation
                        }
                    }
                }
            }
            event.organizerID = organizerID.text
            event.organizerRole = organizerRole
            event.status = .init(rawValue: Int(status.rawValue)) ?? .unspecified
            event.cancelReason = cancelReason
            event.confirmedCount = Int32(confirmed)
            event.waitlistedCount = Int32(waitlisted)
            event.createTime = .init(date: createdAt)
            event.updateTime = .init(date: updatedAt)
        }
    }
}

extension RegistrationRecord {
    var message: Nomad_Events_V1_EventRegistration {
        .with {
            $0.registrationID = id.text
            $0.eventID = eventID.text
            $0.attendeeID = attendeeID.text
            $0.attendeeRole = attendeeRole
            $0.status = .init(rawValue: Int(status.rawValue)) ?? .unspecified
            $0.waitlistPosition = Int32(waitlistPosition)
            $0.withCard = hasCard
            $0.checkedIn = checkedIn
            $0.createTime = .init(date: createdAt)
            $0.updateTime = .init(date: updatedAt)
        }
    }
}

extension TicketRecord {
    var message: Nomad_Events_V1_EventTicket {
        .with {
            $0.ticketID = id.text
            $0.eventID = eventID.text
            $0.registrationID = registrationID.text
            $0.attendeeID = attendeeID.text
            $0.token = token
            $0.expireTime = .init(date: expiresAt)
        }
    }
}

extension CheckInRow {
    var message: Nomad_Events_V1_CheckInRecord {
        .with {
            $0.checkID = id.text
            $0.eventID = eventID.text
            $0.sessionID = sessionID?.text ?? ""
            $0.registrationID = registrationID.text
            $0.attendeeID = attendeeID.text
            $0.direction = direction == 1 ? .in : .out
            $0.withCard = withCard
            $0.time = .init(date: at)
        }
    }
}

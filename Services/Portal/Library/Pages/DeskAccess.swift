import Foundation
import Hummingbird

/// Who may work a desk, as the services decide it: identity's `VerifyCard`
/// (which records a site visit) takes officers only, of any department; the
/// events service's `CheckIn` takes an event's organizer (an enterprise for
/// its own events), any officer and admins. The portal refuses the same
/// people before asking, so a nomad never sees a desk, and an enterprise
/// never sees another organizer's gate.
extension Portal {
    static let siteDeskRoles: Set<String> = ["officer"]
    static let gateDeskRoles: Set<String> = ["officer", "admin", "enterprise"]

    /// Someone who may work at least one kind of desk.
    public func requireDesk(_ context: PortalContext, _ request: Request) throws -> Session {
        let session = try requireSession(context, request)
        guard Self.gateDeskRoles.union(Self.siteDeskRoles).contains(session.role) else {
            throw PageError(.forbidden, "error.page.desk_only")
        }
        return session
    }

    public func requireSiteDesk(_ context: PortalContext, _ request: Request) throws -> Session {
        let session = try requireSession(context, request)
        guard Self.siteDeskRoles.contains(session.role) else { throw PageError(.forbidden, "error.page.site_desk_only") }
        return session
    }

    public func requireGateDesk(_ context: PortalContext, _ request: Request) throws -> Session {
        let session = try requireSession(context, request)
        guard Self.gateDeskRoles.contains(session.role) else { throw PageError(.forbidden, "error.page.gate_desk_only") }
        return session
    }
}

/// What a desk shows of a person: never a whole card or document number.
enum DeskMask {
    /// "4604123456789012" or identity's own "4604********9012" ->
    /// "4604 •••• •••• 9012": the zone prefix and the last four, enough to
    /// match the card in the holder's hand.
    static func cardNumber(_ number: String) -> String {
        let characters = Array(number)
        guard characters.count >= 8 else { return String(repeating: "•", count: max(4, characters.count)) }
        let hidden = characters.count - 8
        var middle = String(repeating: "•", count: hidden)
        var grouped = ""
        for (index, character) in middle.enumerated() {
            if index > 0, index % 4 == 0 { grouped.append(" ") }
            grouped.append(character)
        }
        middle = grouped
        return String(characters.prefix(4)) + " " + (middle.isEmpty ? "" : middle + " ") + String(characters.suffix(4))
    }
}

/// What a scanner typed, checked before any service is asked: a signed QR or
/// ticket is a compact JWS (three base64url parts), well under 4 KiB.
enum DeskScan {
    static let maxLength = 4096

    enum Problem: String {
        case empty = "desk.scan_empty"
        case tooLong = "desk.scan_too_long"
        case garbage = "desk.scan_garbage"
    }

    static func check(_ raw: String?) -> Result<String, DeskScanProblem> {
        let text = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return .failure(DeskScanProblem(problem: .empty)) }
        if text.utf8.count > maxLength { return .failure(DeskScanProblem(problem: .tooLong)) }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.=".unicodeScalars.contains(scalar))
        }
        if !allowed || text.split(separator: ".", omittingEmptySubsequences: false).count != 3 {
            return .failure(DeskScanProblem(problem: .garbage))
        }
        return .success(text)
    }

    /// The token's declared type ("card-qr", "event-ticket"), read without
    /// verifying: it only picks which credential field carries the scan; the
    /// service verifies the signature either way.
    static func declaredType(_ token: String) -> String? {
        guard let header = token.split(separator: ".").first else { return nil }
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["typ"] as? String
    }
}

struct DeskScanProblem: Error {
    let problem: DeskScan.Problem
}

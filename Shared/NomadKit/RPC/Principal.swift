import Foundation
import GRPCCore

/// The roles the suite knows. Raw values are what access tokens carry.
public enum Role: String, Sendable, CaseIterable, Codable {
    case nomad
    case enterprise
    case officer
    case admin
    case service
}

/// A nomad's standing with identity, carried in their access token so other
/// services know it without calling identity back. It is as fresh as the
/// token: a nomad certified a minute ago shows it after their next refresh.
public enum NomadStanding: String, Sendable, Codable, CaseIterable {
    case registered
    case certified
    case settled
}

/// Who is calling: taken from a verified access token.
public struct Principal: Sendable, Equatable {
    public let accountID: UUID
    public let role: Role
    /// Officers are bound to one department.
    public let department: String?
    /// Nomads only.
    public let standing: NomadStanding?
    /// A nomad whose nationality is not CN: their work needs a permit.
    public let foreign: Bool
    /// A foreign nomad's permit cover: the last day of the approved permits
    /// that cover the token's issue day without a gap. As fresh as the token
    /// (identity's access token lifetime): a permit approved or revoked a
    /// minute ago shows after the nomad's next refresh.
    public let workPermitUntil: ZoneDay?

    public init(
        accountID: UUID, role: Role, department: String? = nil, standing: NomadStanding? = nil, foreign: Bool = false,
        workPermitUntil: ZoneDay? = nil
    ) {
        self.accountID = accountID
        self.role = role
        self.department = department
        self.standing = role == .nomad ? standing : nil
        self.foreign = role == .nomad && foreign
        self.workPermitUntil = role == .nomad && foreign ? workPermitUntil : nil
    }

    public var isAdmin: Bool { role == .admin }

    public func isOfficer(of department: String) -> Bool {
        role == .officer && self.department == department
    }
}

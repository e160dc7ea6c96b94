import Foundation
import GRPCCore
import NomadKit

/// A caller as service tests need one. Accounts live in identity; outside
/// identity's own tests a caller is only a token identity would have signed.
public struct TestCaller: Sendable {
    public let id: String
    public let token: String

    public init(id: String, token: String) {
        self.id = id
        self.token = token
    }

    public var metadata: Metadata { callMetadata(token: token) }
    public func metadata(language: String) -> Metadata { callMetadata(token: token, language: language) }

    public static func make(_ role: Role, department: String? = nil, standing: NomadStanding? = nil) -> TestCaller {
        let id = UUID()
        return TestCaller(
            id: id.text,
            token: TestKeys.token(
                for: Principal(
                    accountID: id, role: role, department: department, standing: standing)))
    }
}

/// The callers a service's test environment hands out, each a fresh account.
public protocol TestCallers {
    /// The department of officers a test does not place elsewhere.
    static var officerDepartment: String { get }
}

extension TestCallers {
    public typealias Caller = TestCaller

    public static func caller(_ role: Role, department: String? = nil, standing: NomadStanding? = nil) -> TestCaller {
        TestCaller.make(role, department: department, standing: standing)
    }

    public func nomad(standing: NomadStanding = .certified) -> TestCaller { Self.caller(.nomad, standing: standing) }
    /// A certified foreign nomad whose work permit covers today through
    /// `permitUntil` (nil: no valid permit), as identity's token says.
    public func foreignNomad(permitUntil: ZoneDay?) -> TestCaller {
        let id = UUID()
        return TestCaller(
            id: id.text,
            token: TestKeys.token(
                for: Principal(
                    accountID: id, role: .nomad, standing: .certified, foreign: true, workPermitUntil: permitUntil)))
    }
    public func enterprise() -> TestCaller { Self.caller(.enterprise) }
    public func officer(_ department: String = Self.officerDepartment) -> TestCaller {
        Self.caller(.officer, department: department)
    }
    public func admin() -> TestCaller { Self.caller(.admin) }
}

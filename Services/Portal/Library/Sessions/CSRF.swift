import Foundation

/// Synchronizer tokens bound to a per-browser id: the nz_csrf cookie holds a
/// random id, every form carries HMAC(key, id) in the `_csrf` field. A post
/// whose field does not match its cookie is refused with 403 before anything
/// runs. A site that can set our cookie still cannot compute the token.
public struct CSRF: Sendable {
    public static let fieldName = "_csrf"
    let sealer: Sealer

    public init(sealer: Sealer) {
        self.sealer = sealer
    }

    public static func newID() -> String { Base64URL.random(bytes: 24) }

    public func token(for id: String) -> String {
        sealer.mac("csrf|" + id)
    }

    public func isValid(token: String?, id: String?) -> Bool {
        guard let token, let id, !token.isEmpty, !id.isEmpty else { return false }
        return sealer.verify(mac: token, for: "csrf|" + id)
    }
}

import Foundation
import GRPCCore
import NomadKit

/// Turns a service's refusal into a sentence for the page and, where the
/// refusal names a field, the field it belongs next to.
///
/// zh-CN and en pages show the service's own message (the services write
/// those languages). ru and ar pages never do: they show the portal's
/// catalogue text, chosen by operation and status code
/// (`error.<operation>.<CODE>`), else by the field named in the refusal
/// (`error.field.<CODE>` with the field's label), else by status code alone
/// (`error.code.<CODE>`). Transport failures (unavailable, deadline) always
/// use the catalogue, since their text comes from the gRPC library.
public struct ServiceErrorText: Sendable {
    public let field: String?
    public let message: String

    public init(_ error: RPCError, operation: String, catalogue: Catalogue) {
        let code = error.code.statusName
        let field = Self.field(in: error.message)
        self.field = field
        let transport: Set<RPCError.Code> = [.unavailable, .deadlineExceeded, .unknown, .internalError, .cancelled]
        if catalogue.language.servicesSpeakIt, !transport.contains(error.code), !error.message.isEmpty {
            message = error.message
        } else if catalogue.has("error.\(operation).\(code)") {
            message = catalogue.text("error.\(operation).\(code)")
        } else if let field, catalogue.has("error.field.\(code)") {
            let label = catalogue.has("field.\(field)") ? catalogue.text("field.\(field)") : field
            message = catalogue.text("error.field.\(code)", ["field": label])
        } else if catalogue.has("error.code.\(code)") {
            message = catalogue.text("error.code.\(code)")
        } else {
            message = catalogue.text("error.code.UNKNOWN")
        }
    }

    /// The field a refusal names, from the chassis' shared wording
    /// (NomadError.invalid/required/tooLong) in either service language.
    public static func field(in message: String) -> String? {
        let patterns: [(prefix: String, terminators: [Character])] = [
            ("Invalid ", [":"]),
            ("Missing required field: ", []),
            ("Field ", [" "]),
            ("字段 ", [" "]),
            ("缺少必填字段：", []),
        ]
        for (prefix, terminators) in patterns where message.hasPrefix(prefix) {
            let rest = message.dropFirst(prefix.count)
            let name = terminators.isEmpty ? rest : rest.prefix { !terminators.contains($0) }
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
                // "evidence.monthly_remote_income" -> the form's own name.
                return String(trimmed.split(separator: ".").last ?? Substring(trimmed))
            }
        }
        return nil
    }
}

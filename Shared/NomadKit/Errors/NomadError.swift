import Foundation
import GRPCCore

/// A refusal the caller can act on: a gRPC status code and a message in every
/// supported language. Domain and store code throw these; the chassis renders
/// the message in the caller's language. Anything else that escapes a handler
/// becomes INTERNAL with a generic message, so SQL and stack traces never
/// reach a caller.
public struct NomadError: Error, Sendable, Equatable {
    public let code: RPCError.Code
    public let message: LocalizedMessage

    public init(_ code: RPCError.Code, _ message: LocalizedMessage) {
        self.code = code
        self.message = message
    }

    public init(_ code: RPCError.Code, zh: String, en: String) {
        self.init(code, LocalizedMessage(zh: zh, en: en))
    }

    public func rpcError(_ language: Language) -> RPCError {
        RPCError(code: code, message: message.text(language))
    }
}

/// The refusals every service shares, so the same situation reads the same
/// everywhere.
extension NomadError {
    public static func required(_ field: String) -> NomadError {
        NomadError(.invalidArgument, zh: "缺少必填字段：\(field)", en: "Missing required field: \(field)")
    }

    public static func tooLong(_ field: String, max: Int) -> NomadError {
        NomadError(.invalidArgument, zh: "字段 \(field) 过长（最多 \(max) 个字符）", en: "Field \(field) is too long (at most \(max) characters)")
    }

    /// A step the record's current state does not allow (FAILED_PRECONDITION).
    public static func wrongState(_ zh: String, _ en: String) -> NomadError {
        NomadError(.failedPrecondition, zh: "当前状态不允许此操作：\(zh)", en: "Not allowed in the current state: \(en)")
    }

    public static func invalid(_ field: String, zh: String, en: String) -> NomadError {
        NomadError(.invalidArgument, zh: "字段 \(field) 无效：\(zh)", en: "Invalid \(field): \(en)")
    }

    public static func unknownEnum(_ field: String) -> NomadError {
        NomadError(.invalidArgument, zh: "字段 \(field) 的取值未知或未指定", en: "Unknown or unspecified value for \(field)")
    }

    public static func notFound(_ what: String) -> NomadError {
        NomadError(.notFound, zh: "未找到：\(what)", en: "Not found: \(what)")
    }

    public static let unauthenticated = NomadError(
        .unauthenticated, zh: "需要有效的访问令牌", en: "A valid access token is required")

    /// A verified token whose account identity has since disabled.
    public static let accountDisabled = NomadError(
        .unauthenticated, zh: "该账户已停用，其访问令牌不再有效", en: "This account is disabled; its access token is no longer accepted")
    /// An anonymous caller asked a public read for more than public items
    /// (drafts, closed or filled ones, their own): UNAUTHENTICATED, since
    /// signing in is what would let them see it.
    public static let signInForMore = NomadError(
        .unauthenticated, zh: "未登录时只能查看公开内容（开放中或已发布的），请登录后查看更多",
        en: "Signed out, only public items (open or published) are listed; sign in to see more")

    public static let permissionDenied = NomadError(
        .permissionDenied, zh: "无权执行此操作", en: "You are not allowed to do this")

    public static let internalError = NomadError(
        .internalError, zh: "服务内部错误，请稍后重试", en: "Internal error; please retry later")

    public static let unavailable = NomadError(
        .unavailable, zh: "服务暂时不可用，请稍后重试", en: "Service temporarily unavailable; please retry")

    public static let requestIDReused = NomadError(
        .failedPrecondition,
        zh: "request_id 已用于另一个不同的请求",
        en: "request_id was already used for a different request")

    public static let malformedMessage = NomadError(
        .invalidArgument, zh: "请求消息格式错误，无法解析", en: "The request message is malformed and cannot be read")

    public static let valueOutOfRange = NomadError(
        .invalidArgument, zh: "请求中的某个值超出可接受的范围", en: "A value in the request is outside the accepted range")

    public static let deadlineExceeded = NomadError(
        .deadlineExceeded, zh: "请求已超时", en: "The request deadline passed")
}

extension RPCError.Code {
    /// The canonical status name as gRPC spells it ("FAILED_PRECONDITION"),
    /// for reports that name codes to people and other systems.
    public var statusName: String {
        // Swift spells INTERNAL as internalError; the rest map letter for letter.
        if self == .internalError { return "INTERNAL" }
        return String(describing: self).unicodeScalars.reduce(into: "") { name, scalar in
            if CharacterSet.uppercaseLetters.contains(scalar), !name.isEmpty { name += "_" }
            name += String(scalar).uppercased()
        }
    }
}

extension Optional {
    /// The value, or NOT_FOUND naming what was looked up: every lookup by id
    /// ends the same way.
    public func orNotFound(_ what: @autoclosure () -> String) throws -> Wrapped {
        guard let self else { throw NomadError.notFound(what()) }
        return self
    }
}

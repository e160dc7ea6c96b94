import Foundation
import Hummingbird
import Mustache

/// Renders as nothing, and is false in a section.
struct Blank: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}

/// Renders pages from the mustache templates in Resources/templates. Every
/// `{{value}}` is HTML-escaped by swift-mustache; the templates use raw
/// `{{{...}}}` only for SVG the portal drew itself (QR, chart), whose texts
/// it escaped when drawing.
public final class Renderer: Sendable {
    let library: MustacheLibrary
    public let catalogues: Catalogues
    /// Each language's catalogue as a tree for `{{t.area.key}}`; built once.
    nonisolated(unsafe) let trees: [PortalLanguage: [String: Any]]

    public init(library: MustacheLibrary, catalogues: Catalogues) {
        self.library = library
        self.catalogues = catalogues
        var trees: [PortalLanguage: [String: Any]] = [:]
        for language in PortalLanguage.allCases { trees[language] = catalogues[language].tree }
        self.trees = trees
    }

    public static func load(from directory: URL) async throws -> Renderer {
        let library = try await MustacheLibrary(directory: directory.appendingPathComponent("templates").path)
        let catalogues = try Catalogues.load(directory: directory.appendingPathComponent("i18n"))
        return Renderer(library: library, catalogues: catalogues)
    }

    /// The text of a template with an arbitrary object, for tests and fragments.
    public func render(_ template: String, _ object: Any) -> String? {
        library.render(Self.prepare(object), withTemplate: template)
    }

    /// swift-mustache treats "" as true in a section: empty strings become a
    /// value that renders as nothing and counts as false. Every list `x` also
    /// gets `xAny`, true when it has items, for headings shown only then.
    static func prepare(_ value: Any) -> Any {
        switch value {
        case let string as String:
            return string.isEmpty ? Blank() : string
        case let dictionary as [String: Any]:
            var result: [String: Any] = [:]
            for (key, item) in dictionary {
                result[key] = prepare(item)
                if let list = item as? [Any] { result[key + "Any"] = !list.isEmpty }
            }
            return result
        case let dictionary as [String: String]:
            return prepare(dictionary as [String: Any])
        case let list as [Any]:
            return list.map(prepare)
        default:
            return value
        }
    }

    /// A whole page: the layout around the page's template, with what every
    /// page needs (language, direction, the catalogue, the CSRF token, who is
    /// signed in, the language selector, the flash).
    public func page(
        _ template: String, titleKey: String, titleValues: [String: String] = [:],
        context: PortalContext, path: String, data: [String: Any] = [:], status: HTTPResponse.Status = .ok
    ) -> Response {
        let html = self.html(template, titleKey: titleKey, titleValues: titleValues, context: context, path: path, data: data)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page's HTML.
    public func html(
        _ template: String, titleKey: String, titleValues: [String: String] = [:],
        context: PortalContext, path: String, data: [String: Any] = [:]
    ) -> String {
        let language = context.language
        let catalogue = catalogues[language]
        var object = data
        object["t"] = trees[language] ?? [:]
        object["lang"] = language.tag
        object["dir"] = language.direction
        object["page"] = template
        object["title"] = catalogue.text(titleKey, titleValues)
        object["csrf"] = context.csrfToken
        object["returnTo"] = path
        object["contentLang"] = language.contentLanguage.tag
        object["contentLangDiffers"] = language.contentLanguage != language
        object["languages"] = PortalLanguage.allCases.map { option in
            ["tag": option.tag, "name": option.nativeName, "selected": option == language]
        }
        if let session = context.session {
            object["user"] =
                [
                    "displayName": session.displayName, "username": session.username,
                    "isNomad": session.isNomad, "foreign": session.foreign, "role": session.role, "isOfficer": session.role == "officer",
                    "isEnterprise": session.role == "enterprise",
                    "isAdmin": session.role == "admin",
                    "canDesk": Portal.siteDeskRoles.union(Portal.gateDeskRoles).contains(session.role),
                ] as [String: Any]
        }
        if let flash = context.flash {
            if let notice = flash.notice {
                object["notice"] = ["text": catalogue.has(notice) ? catalogue.text(notice) : notice, "isError": flash.noticeIsError]
            }
            object["errors"] = flash.errors
            var values = object["values"] as? [String: Any] ?? [:]
            for (key, value) in flash.values { values[key] = value }
            object["values"] = values
        }
        return library.render(Self.prepare(object), withTemplate: template) ?? "template \(template) missing"
    }
}

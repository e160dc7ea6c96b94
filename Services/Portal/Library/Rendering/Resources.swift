import Foundation

/// Where the templates, catalogues and stylesheet are at run time. In order:
/// NOMAD_PORTAL_RESOURCES (a folder holding templates/, i18n/, static/); the
/// resource bundle beside the executable (`.build/debug/NomadZone_Portal.resources`,
/// or wherever an image copies the binary and its bundle together);
/// /usr/share/nomad-portal; and last SwiftPM's own bundle lookup.
public enum PortalResources {
    public static let bundleName = "NomadZone_Portal.resources"

    public static func directory(configured: String? = nil) -> URL {
        var candidates: [URL] = []
        if let configured { candidates.append(URL(fileURLWithPath: configured)) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundleName))
        candidates.append(URL(fileURLWithPath: "/usr/share/nomad-portal"))
        for candidate in candidates where isResourceFolder(candidate) {
            return candidate
        }
        return Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }

    static func isResourceFolder(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("templates/layout.mustache").path)
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("i18n").path)
    }
}

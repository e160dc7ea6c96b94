import CQRencode
import Foundation

/// A QR code drawn on the server: Debian's libqrencode encodes, we draw the
/// modules as one SVG path (runs of dark modules merged per row) with the
/// four-module quiet zone scanners need. No image file, no JavaScript.
public struct QRCode: Sendable {
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row-major, true for dark.
    public let modules: [Bool]

    public enum Failure: Error {
        case encoding
    }

    /// Error correction M (15%): the one-card payload is a ~300-byte JWT, and
    /// M keeps the symbol small enough to scan from a phone screen.
    public init(text: String) throws {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { throw Failure.encoding }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var modules = [Bool](repeating: false, count: width * width)
        for index in 0..<(width * width) {
            modules[index] = code.pointee.data[index] & 1 == 1
        }
        self.size = width
        self.modules = modules
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// The symbol as SVG. `label` is the text alternative (escaped here).
    public func svg(label: String, pixelsPerModule: Int = 6) -> String {
        let quiet = 4
        let side = size + 2 * quiet
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let escaped = HTML.escape(label)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="\(escaped)" \
            viewBox="0 0 \(side) \(side)" width="\(side * pixelsPerModule)" height="\(side * pixelsPerModule)" \
            shape-rendering="crispEdges"><title>\(escaped)</title><rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }
}

/// HTML escaping for the few strings the portal writes into markup itself
/// (SVG it draws); templates escape through swift-mustache.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

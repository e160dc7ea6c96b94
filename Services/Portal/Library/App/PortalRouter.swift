import Foundation
import Hummingbird
import Logging
import NIOCore

/// Every route of the portal, and the few that bypass the page middleware:
/// /healthz and the stylesheet.
public enum PortalRouter {
    public static func make(portal: Portal, staticDirectory: URL) -> Router<PortalContext> {
        let router = Router(context: PortalContext.self)
        // First, so every line logged for a request carries its trace id:
        // the caller's traceparent continued (a malformed one ignored), or a
        // new trace. No headers are recorded (cookies stay out of spans).
        router.add(middleware: TracingMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(logger: portal.logger))
        // Router-wide, so an unknown path gets the portal's own 404 page too;
        // /healthz and the stylesheet pass straight through.
        router.add(middleware: PortalMiddleware(portal: portal))

        // Our own stylesheet and the one script (the card page's refresh), read once.
        for (file, type) in [("portal.css", "text/css; charset=utf-8"), ("card.js", "text/javascript; charset=utf-8")] {
            let bytes = (try? Data(contentsOf: staticDirectory.appendingPathComponent(file))) ?? Data()
            router.get(RouterPath("/static/\(file)")) { _, _ -> Response in
                var headers = HTTPFields()
                headers[.contentType] = type
                headers[.cacheControl] = "public, max-age=3600"
                headers[.xContentTypeOptions] = "nosniff"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        router.get("/healthz") { _, _ -> Response in
            let report = await portal.backends.healthReport()
            let serving = report.allSatisfy { $0.status == "SERVING" }
            let services = report.map { "\"\($0.name)\":\"\($0.status)\"" }.joined(separator: ",")
            let body = "{\"status\":\"\(serving ? "SERVING" : "NOT_SERVING")\",\"services\":{\(services)}}"
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            return Response(
                status: serving ? .ok : .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }

        registerPages(on: router.group(), portal: portal)
        return router
    }

    static func registerPages(on group: RouterGroup<PortalContext>, portal: Portal) {
        PublicPages.register(on: group, portal: portal)
        AccountPages.register(on: group, portal: portal)
        HomePages.register(on: group, portal: portal)
        CertificationPages.register(on: group, portal: portal)
        CardPages.register(on: group, portal: portal)
        PermitPages.register(on: group, portal: portal)
        ApplicationPages.register(on: group, portal: portal)
        EventPages.register(on: group, portal: portal)
        WalletPages.register(on: group, portal: portal)
        StaffKpiPages.register(on: group, portal: portal)
        DeskPages.register(on: group, portal: portal)
        StaffQueuePages.register(on: group, portal: portal)
        StaffCertificationPages.register(on: group, portal: portal)
        StaffAuditPages.register(on: group, portal: portal)
        AdminPages.register(on: group, portal: portal)
        EnterpriseJobPages.register(on: group, portal: portal)
        NomadWorkPages.register(on: group, portal: portal)
    }
}

/// One JSON line per request: method, path (never the query, which may hold
/// a return path), status, duration. No cookies, no bodies.
struct LogRequestsMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let logger: Logging.Logger

    func handle(
        _ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "ms": "\(Double(elapsed.nanosecondsClamped) / 1_000_000)",
            ])
        return response
    }
}

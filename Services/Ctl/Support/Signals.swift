import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Records SIGINT/SIGTERM instead of dying on them, so nomadctl can stop its
/// children and PostgreSQL in order. The default dispositions are replaced
/// with SIG_IGN first (a dispatch source only observes a signal; without that
/// the default action would still kill the process).
final class SignalWatcher: @unchecked Sendable {
    // Immutable after init; kept only so the sources stay alive.
    private let sources: [any DispatchSourceSignal]
    private let state: FirstSignal

    init(_ signals: [Int32] = [SIGINT, SIGTERM]) {
        let queue = DispatchQueue(label: "nomadctl.signals")
        var sources: [any DispatchSourceSignal] = []
        let state = FirstSignal()
        self.state = state
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                state.value.withLock { received in
                    if received == nil { received = number }
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// The first signal that arrived, if any.
    var received: Int32? { state.value.withLock { $0 } }

    var interrupted: Bool { received != nil }

    func throwIfInterrupted() throws {
        if interrupted { throw Interrupted() }
    }

    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(number)"
        }
    }
}

private final class FirstSignal: Sendable {
    let value = Mutex<Int32?>(nil)
}

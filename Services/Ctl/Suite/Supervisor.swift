import Foundation
import NomadKit
import NomadLocal

/// What `up` does when a service process exits on its own.
struct RestartPolicy: Sendable {
    /// false (`--no-restart`): the first exit stops the whole suite, so a
    /// crash fails a scripted run instead of being papered over.
    var restarts = true
    var firstDelay: Duration = .seconds(1)
    var maxDelay: Duration = .seconds(30)
    /// A process that stayed up this long before exiting starts the back-off
    /// over: it crashed once, not in a loop.
    var resetAfter: Duration = .seconds(60)

    /// The wait before the n-th restart in a row (from 1): 1 s, 2 s, 4 s, ...
    /// up to `maxDelay`, as Kubernetes backs off a crash-looping container.
    func delay(beforeRestart n: Int) -> Duration {
        var delay = firstDelay
        for _ in 1..<max(1, n) where delay < maxDelay { delay = delay * 2 }
        return min(delay, maxDelay)
    }
}

/// Watches the suite's processes while `up` runs. One that exits is started
/// again after its back-off, with the same executable, environment and ports,
/// while the others keep serving: one service's crash is not the suite's. Each
/// exit, restart and return to SERVING is said on stderr.
struct Supervisor {
    enum Outcome {
        case signal(Int32)
        /// Only without restarts: this one exited, stop the rest.
        case exited(LocalSuite.Running)
    }

    let suite: LocalSuite
    let policy: RestartPolicy
    let say: @Sendable (String) -> Void
    /// Called after a restart, with every process's current pid in place.
    let processesChanged: () -> Void

    private struct Slot {
        var startedAt = ContinuousClock.now
        var inARow = 0
        var total = 0
        var restartAt: ContinuousClock.Instant?
    }

    func watch(_ signals: SignalWatcher) async -> Outcome {
        var slots = Array(repeating: Slot(), count: suite.running.count)
        while true {
            if let signal = signals.received { return .signal(signal) }
            let now = ContinuousClock.now
            for (index, running) in suite.running.enumerated() {
                let process = running.process
                guard process.hasExited else { continue }
                guard policy.restarts else { return .exited(running) }
                if let restartAt = slots[index].restartAt {
                    guard now >= restartAt else { continue }
                    do {
                        let fresh = try running.respawn()
                        slots[index].startedAt = now
                        slots[index].restartAt = nil
                        processesChanged()
                        announceWhenServing(running, fresh)
                    } catch {
                        slots[index].restartAt = now + policy.maxDelay
                        say("cannot restart \(running.name): \(error); trying again in \(seconds(policy.maxDelay))")
                    }
                    continue
                }
                if now - slots[index].startedAt >= policy.resetAfter { slots[index].inARow = 0 }
                slots[index].inARow += 1
                slots[index].total += 1
                let delay = policy.delay(beforeRestart: slots[index].inARow)
                slots[index].restartAt = now + delay
                say("\(running.name) \(process.exitDescription); restarting in \(seconds(delay)) (restart \(slots[index].total))")
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private func announceWhenServing(_ running: LocalSuite.Running, _ process: ChildProcess) {
        let say = self.say
        Task {
            do {
                try await running.waitUntilReady(timeout: .seconds(60)) {
                    if process.hasExited { throw CtlError("exited") }
                }
                say("\(running.name) is SERVING again (pid \(process.pid))")
            } catch {
                // Its exit, if that is why, is reported by the watch loop.
            }
        }
    }

    private func seconds(_ duration: Duration) -> String {
        "\(duration.components.seconds)s"
    }
}

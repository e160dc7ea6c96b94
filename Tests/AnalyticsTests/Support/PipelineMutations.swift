import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf

/// Simple real mutations, one per producer, each writing exactly one outbox
/// event (events' CreateEvent writes none, its PublishEvent one).
enum PipelineMutations {
    static let admin = TestCaller.make(.admin)
    static let officer = TestCaller.make(.officer, department: "data")
    static let organizer = TestCaller.make(.officer, department: "events")

    /// identity.site.created
    static func createSite(_ suite: ServiceSuite, _ index: Int) async throws {
        let identity = Nomad_Identity_V1_IdentityService.Client(wrapping: try suite["identity"].client)
        _ = try await identity.createSite(
            .with {
                $0.requestID = UUID().text
                $0.name = .with {
                    $0.zhCn = "站点\(index)"; $0.en = "site \(index)"
                }
                $0.area = index % 2 == 0 ? .coreXinyingBay : .linked
                $0.address = "新英湾 \(index) 号"
                $0.capacity = 50
            }, metadata: admin.metadata)
    }

    /// jobs.skill.created
    static func createSkill(_ suite: ServiceSuite, _ index: Int, prefix: String = "rel") async throws {
        let jobs = Nomad_Jobs_V1_JobsService.Client(wrapping: try suite["jobs"].client)
        _ = try await jobs.createSkill(
            .with {
                $0.requestID = UUID().text
                $0.code = "\(prefix)-\(index)"
                $0.name = .with {
                    $0.zhCn = "技能\(index)"; $0.en = "skill \(index)"
                }
            }, metadata: admin.metadata)
    }

    /// assets.voucher.issued
    static func issueVoucher(_ suite: ServiceSuite, _ index: Int) async throws {
        let assets = Nomad_Assets_V1_AssetsService.Client(wrapping: try suite["assets"].client)
        _ = try await assets.issueVoucher(
            .with {
                $0.requestID = UUID().text
                $0.holderID = UUID().text
                $0.holderKind = .nomad
                $0.amount = Int64(100 + index)
                $0.expiresOn = ZoneDay.today().adding(days: 30).message
            }, metadata: officer.metadata)
    }

    /// A draft (no event), then events.event.published: two mutations, one event.
    static func createAndPublishEvent(_ suite: ServiceSuite, _ index: Int) async throws {
        let events = Nomad_Events_V1_EventsService.Client(wrapping: try suite["events"].client)
        let start = Date().addingTimeInterval(7 * 86400 + Double(index) * 60)
        let draft = try await events.createEvent(
            .with {
                $0.requestID = UUID().text
                $0.event = .with {
                    $0.kind = .forum
                    $0.title = ["zh-CN": "数字经济论坛 \(index)", "en": "Digital economy forum \(index)"]
                    $0.description_p = ["zh-CN": "论坛", "en": "A forum"]
                    $0.venue.site = .with {
                        $0.siteID = "site-xinying-01"; $0.area = .core; $0.address = "新英湾 1 号"
                    }
                    $0.startTime = .init(date: start)
                    $0.endTime = .init(date: start.addingTimeInterval(3600))
                    $0.capacity = 100
                }
            }, metadata: organizer.metadata)
        _ = try await events.publishEvent(
            .with {
                $0.requestID = UUID().text
                $0.eventID = draft.eventID
            }, metadata: organizer.metadata)
    }

    /// 1,000 mutations spread over the four producers: 250 sites, 250 skills,
    /// 250 vouchers, 125 event drafts + 125 publications. Returns the number
    /// of events each producer should have written.
    static func thousand(_ suite: ServiceSuite) async throws -> [String: Int] {
        // The four producers take their share at the same time.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await inParallel(250, width: 8) { try await createSite(suite, $0) } }
            group.addTask { try await inParallel(250, width: 8) { try await createSkill(suite, $0) } }
            group.addTask { try await inParallel(250, width: 8) { try await issueVoucher(suite, $0) } }
            group.addTask { try await inParallel(125, width: 8) { try await createAndPublishEvent(suite, $0) } }
            try await group.waitForAll()
        }
        return ["identity": 250, "jobs": 250, "assets": 250, "events": 125]
    }
}

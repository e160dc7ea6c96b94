import Crypto
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadScenario
import SwiftProtobuf

/// `nomadctl up --seed`: a small demo zone entered through the public RPCs,
/// as its people would: the admin creates officers and sites, nomads and
/// enterprises register and log in, officers certify, nomads visit a
/// community, take work, contribute data and attend a forum. Every account
/// logs in with `DemoSeed.password`, so a demo can go on by hand. The seed
/// ends when analytics' KPIs show what it did, so a caller can rely on them.
struct DemoSeed {
    static let password = "nomad-zone-demo"
    /// Certified, visiting, settled: what the seed makes of the first nomads.
    static let certified = 4
    static let settled = 1
    static let checkedIn = 2

    typealias Identity = Nomad_Identity_V1_IdentityService.Client<HTTP2ClientTransport.Posix>
    typealias Jobs = Nomad_Jobs_V1_JobsService.Client<HTTP2ClientTransport.Posix>
    typealias Assets = Nomad_Assets_V1_AssetsService.Client<HTTP2ClientTransport.Posix>
    typealias Events = Nomad_Events_V1_EventsService.Client<HTTP2ClientTransport.Posix>
    typealias Analytics = Nomad_Analytics_V1_AnalyticsService.Client<HTTP2ClientTransport.Posix>

    /// A logged-in account: its id and identity's own access token.
    struct Caller: Sendable {
        let id: String
        let token: String
        var metadata: Metadata { bearer(token) }
    }

    /// Fictitious people and firms; the document numbers only pass the check-digit rules.
    static let nomads: [(username: String, name: String, nationality: String, document: String)] = [
        ("demo-lin", "林晓", "CN", "460400199203140213"),
        ("demo-anna", "Anna Keller", "DE", "C4X9PL2T7"),
        ("demo-chen", "陈默", "CN", "460400198809020131"),
        ("demo-kenji", "Kenji Mori", "JP", "TZ1048576"),
        ("demo-wu", "吴思远", "CN", "460003199507110248"),
        ("demo-lea", "Léa Martin", "FR", "21AB48213"),
    ]
    static let enterprises: [(username: String, name: String, creditCode: String)] = [
        ("demo-bay-studio", "儋州新英湾数字工作室有限公司", "91460400MA5TDEM015"),
        ("demo-tide-tech", "海南潮汐科技有限公司", "91460400MA5TN20020"),
    ]

    let identity: Identity
    let jobs: Jobs
    let assets: Assets
    let events: Events
    let analytics: Analytics
    let say: (String) -> Void

    /// Seeds `suite` unless an earlier run (same --data-dir or --database-url) did.
    static func run(_ suite: LocalSuite, say: @escaping (String) -> Void) async throws {
        try await withClient(suite, "identity") { identity in
            try await withClient(suite, "jobs") { jobs in
                try await withClient(suite, "assets") { assets in
                    try await withClient(suite, "events") { events in
                        try await withClient(suite, "analytics") { analytics in
                            let seed = DemoSeed(
                                identity: identity, jobs: jobs, assets: assets, events: events,
                                analytics: analytics, say: say)
                            try await seed.run(
                                adminUsername: suite.context.adminUsername,
                                adminPassword: suite.context.adminPassword)
                        }
                    }
                }
            }
        }
    }

    private static func withClient<Client: DemoClient>(
        _ suite: LocalSuite, _ service: String, _ body: (Client) async throws -> Void
    ) async throws {
        guard let running = suite.running(service) ?? suite.replicas(of: service).first else {
            throw CtlError("--seed needs \(service) running")
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: running.ports.grpc), transportSecurity: .plaintext,
            serviceConfig: retryingWhenUnavailable)
        try await withGRPCClient(transport: transport) { client in try await body(Client(wrapping: client)) }
    }

    /// A service that has just started may answer UNAVAILABLE while its
    /// database pool is still connecting (seen in the compose smoke run on a busy
    /// machine). Every seed call carries its request_id, so gRPC may send the same
    /// message again: a call that did happen returns its first answer.
    static let retryingWhenUnavailable = ServiceConfig(methodConfig: [
        MethodConfig(
            names: [MethodConfig.Name(service: "")],
            executionPolicy: .retry(
                RetryPolicy(
                    maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(8), backoffMultiplier: 2,
                    retryableStatusCodes: [.unavailable])))
    ])

    /// `nomadctl seed`: the same seed against a suite that runs elsewhere (the
    /// compose topology through its published ports), given each service's address.
    static func run(
        addresses: [String: HostPort], adminUsername: String, adminPassword: String, say: @escaping (String) -> Void
    ) async throws {
        func with<Client: DemoClient>(_ service: String, _ body: (Client) async throws -> Void) async throws {
            guard let address = addresses[service] else { throw CtlError("seed needs \(service)'s address") }
            try await withPlaintextClient(address, serviceConfig: retryingWhenUnavailable) { client in
                try await body(Client(wrapping: client))
            }
        }
        try await with("identity") { (identity: Identity) in
            try await with("jobs") { (jobs: Jobs) in
                try await with("assets") { (assets: Assets) in
                    try await with("events") { (events: Events) in
                        try await with("analytics") { (analytics: Analytics) in
                            let seed = DemoSeed(
                                identity: identity, jobs: jobs, assets: assets, events: events,
                                analytics: analytics, say: say)
                            try await seed.run(adminUsername: adminUsername, adminPassword: adminPassword)
                        }
                    }
                }
            }
        }
    }

    func run(adminUsername: String, adminPassword: String) async throws {
        if (try? await login(Self.nomads[0].username)) != nil {
            say("demo data already present (user \(Self.nomads[0].username) exists); not seeding again")
            return
        }
        say("seeding demo data through the public RPCs")
        let admin = try await login(adminUsername, password: adminPassword)
        let talent = try await officer("demo-talent-officer", "人才服务专员", department: "talent", admin: admin)
        // Each officer of the department that decides what they do (README, "Who decides what").
        let eventsOfficer = try await officer("demo-events-officer", "会展专员", department: "investment_promotion", admin: admin)
        let assetsOfficer = try await officer("demo-assets-officer", "数据资产专员", department: "data", admin: admin)
        let permitOfficer = try await officer("demo-permit-officer", "出入境专员", department: "exit_entry", admin: admin)
        let industry = try await officer("demo-industry-officer", "揭榜挂帅专员", department: "science_industry", admin: admin)
        let tourism = try await officer("demo-tourism-officer", "文旅消费专员", department: "culture_tourism", admin: admin)

        let core = try await site(
            zh: "新英湾数字游民社区", en: "Xinying Bay Nomad Community", area: .coreXinyingBay,
            address: "儋州市新英湾区滨海大道 1 号", admin: admin)
        _ = try await site(
            zh: "那大共享办公空间", en: "Nada Co-working Space", area: .linked,
            address: "儋州市那大镇中兴大街 88 号", admin: admin)

        var firms: [Caller] = []
        for firm in Self.enterprises {
            _ = try await flows.registerEnterprise(
                username: firm.username, password: Self.password, name: firm.name, creditCode: firm.creditCode,
                metadata: anonymous)
            firms.append(try await login(firm.username))
        }

        var people: [Caller] = []
        for nomad in Self.nomads {
            _ = try await flows.registerNomad(
                .init(
                    username: nomad.username, password: Self.password, displayName: nomad.name,
                    nationality: nomad.nationality, documentNumber: nomad.document,
                    languages: nomad.nationality == "CN" ? ["zh-CN", "en"] : ["en"]),
                metadata: anonymous)
            people.append(try await login(nomad.username))
        }
        for person in people.prefix(Self.certified) { try await certify(person, officer: talent) }
        for person in people.prefix(Self.settled) {
            try await flows.settle(accountID: person.id, reason: "在儋州落户 / settled in Danzhou", officer: talent.metadata)
        }
        // The certified foreign nomads hold a year's work permit, as the
        // plan's foreign nomads would before taking work (jobs checks it).
        for (index, nomad) in Self.nomads.enumerated().prefix(Self.certified) where nomad.nationality != "CN" {
            try await grantPermit(people[index], officer: permitOfficer)
        }
        // Tokens carry the nomad's standing and permit: log in again to hold them.
        for index in people.indices { people[index] = try await login(Self.nomads[index].username) }

        for person in people.prefix(Self.certified) {
            _ = try await flows.visit(site: core, nomad: person.metadata, desk: talent.metadata)
        }

        let jobIDs = try await seedWork(people: people, firms: firms, reviewer: industry)
        try await seedData(people: people, officer: assetsOfficer)
        try await seedMerchants(officer: tourism)
        let forum = try await seedForum(people: people, officer: eventsOfficer, site: core)
        try await seedServiceApplication(people[0], officer: talent)

        say(
            "demo data: officers demo-talent-officer, demo-events-officer, demo-assets-officer, demo-industry-officer, "
                + "demo-permit-officer, demo-tourism-officer; "
                + "enterprises \(Self.enterprises.map(\.username).joined(separator: ", ")); "
                + "nomads \(Self.nomads.map(\.username).joined(separator: ", ")) (first \(Self.certified) certified); "
                + "password \(Self.password)")
        say("demo data: \(jobIDs.count) jobs and a bounty, 2 data contributions, forum \(forum), 2 sites")
        try await awaitKpis(admin: admin)
    }

    // MARK: - The zone's activities

    /// Profiles for everyone, three open jobs, one claimed, a bounty won and completed.
    private func seedWork(people: [Caller], firms: [Caller], reviewer: Caller) async throws -> [String] {
        let skills = ["software.mobile.ios", "software.web", "data.labelling", "design.ui", "media.livestream", "ai.training"]
        for (index, person) in people.enumerated() {
            _ = try await jobs.updateProfile(
                .with {
                    $0.requestID = UUID().text
                    $0.profile = .with {
                        $0.skills = [skills[index % skills.count], skills[(index + 1) % skills.count]].map { code in
                            .with {
                                $0.skillCode = code; $0.level = 4; $0.yearsExperience = 5
                            }
                        }
                        $0.availability = .partTime
                        $0.hoursPerWeek = 24
                        $0.timeZone = "Asia/Shanghai"
                        $0.languages = ["zh-CN", "en"]
                    }
                }, metadata: person.metadata)
        }
        var jobIDs: [String] = []
        for (index, title) in [
            "儋州文旅小程序 / Danzhou tourism mini-program", "海鲜电商数据标注 / Seafood e-commerce data labelling",
            "东坡文化直播 / Dongpo culture livestreams",
        ].enumerated() {
            let job = try await jobs.publishJob(
                .with {
                    $0.requestID = UUID().text
                    $0.job = .with {
                        $0.title = title
                        $0.description_p = "Demo job seeded by nomadctl up --seed."
                        $0.requiredSkills = [
                            .with {
                                $0.skillCode = skills[[1, 2, 4][index]]; $0.minLevel = 2; $0.weight = 5; $0.essential = true
                            }
                        ]
                        $0.budget = .with {
                            $0.currencyCode = "CNY"; $0.minorUnits = 800_000
                        }
                        $0.mode = .remoteOrder
                        $0.seats = 2
                        $0.claimable = true
                        $0.deadline = .init(date: Date().addingTimeInterval(30 * 86400))
                        $0.languages = ["zh-CN"]
                    }
                }, metadata: firms[index % firms.count].metadata)
            jobIDs.append(job.jobID)
        }
        _ = try await jobs.claimJob(
            .with {
                $0.requestID = UUID().text
                $0.jobID = jobIDs[1]
            }, metadata: people[1].metadata)

        let bounty = try await jobs.publishBounty(
            .with {
                $0.requestID = UUID().text
                $0.bounty = .with {
                    $0.title = "新英湾潮汐 App / Xinying Bay tide app"
                    $0.description_p = "An iOS app showing Xinying Bay's tides for the fishing port."
                    $0.budget = .with {
                        $0.currencyCode = "CNY"; $0.minorUnits = 3_000_000
                    }
                    $0.deadline = .init(date: Date().addingTimeInterval(14 * 86400))
                    $0.winnerPlaces = 1
                    $0.qualification = .with {
                        $0.certifiedOnly = true
                        $0.requiredSkills = [
                            .with {
                                $0.skillCode = "software.mobile.ios"; $0.minLevel = 3; $0.weight = 5; $0.essential = true
                            }
                        ]
                    }
                    $0.milestones = [
                        .with {
                            $0.title = "App Store release"; $0.due = .init(date: Date().addingTimeInterval(40 * 86400))
                        }
                    ]
                }
            }, metadata: firms[1].metadata)
        let application = try await jobs.submitBountyApplication(
            .with {
                $0.requestID = UUID().text
                $0.bountyID = bounty.bountyID
                $0.kind = .individual
                $0.proposal = "SwiftUI app with tide tables from the port authority."
            }, metadata: people[0].metadata)
        _ = try await jobs.reviewBountyApplication(
            .with {
                $0.requestID = UUID().text
                $0.applicationID = application.applicationID
                $0.qualified = true
            }, metadata: reviewer.metadata)
        _ = try await jobs.claimBounty(
            .with {
                $0.requestID = UUID().text
                $0.applicationID = application.applicationID
            }, metadata: people[0].metadata)
        _ = try await jobs.completeBounty(
            .with {
                $0.requestID = UUID().text
                $0.bountyID = bounty.bountyID
                $0.reward = .with {
                    $0.currencyCode = "CNY"; $0.minorUnits = 3_000_000
                }
            }, metadata: firms[1].metadata)
        return jobIDs
    }

    /// Two accepted data contributions (POW credited); the first nomad exchanges theirs for points.
    private func seedData(people: [Caller], officer: Caller) async throws {
        for (index, person) in people.prefix(2).enumerated() {
            let contribution = try await assets.submitContribution(
                .with {
                    $0.requestID = UUID().text
                    $0.poolCode = "culture_tourism_consumption"
                    $0.kind = .data
                    $0.recordCount = Int64(10_000 + 2_000 * index)
                    $0.bytes = Int64(40_000_000 + 8_000_000 * index)
                    $0.contentHash = Self.digest("demo contribution \(index) \(person.id)")
                    $0.qualityScore = 88
                }, metadata: person.metadata)
            let credited = try await assets.reviewContribution(
                .with {
                    $0.requestID = UUID().text
                    $0.contributionID = contribution.contributionID
                    $0.accept = true
                }, metadata: officer.metadata)
            if index == 0 {
                _ = try await assets.exchangePow(
                    .with {
                        $0.requestID = UUID().text
                        $0.powUnits = credited.powUnits
                    }, metadata: person.metadata)
            }
        }
    }

    /// Two merchants that take points (the plan's consumption scenes), where
    /// nomads spend what they exchanged.
    private func seedMerchants(officer: Caller) async throws {
        for (zh, en, scene) in [("东坡书院旁咖啡馆", "Dongpo Academy Café", "dining"), ("新英湾共享办公", "Xinying Bay Coworking", "coworking")] {
            _ = try await assets.registerMerchant(
                .with {
                    $0.requestID = UUID().text
                    $0.name = .with {
                        $0.zhCn = zh
                        $0.en = en
                    }
                    $0.scene = scene
                }, metadata: officer.metadata)
        }
    }

    /// A forum at the core community next week; the certified nomads register
    /// with their one-card, the first ones are checked in at the gate.
    private func seedForum(people: [Caller], officer: Caller, site: String) async throws -> String {
        let start = Date().addingTimeInterval(7 * 86400)
        let draft = try await events.createEvent(
            .with {
                $0.requestID = UUID().text
                $0.event = .with {
                    $0.kind = .forum
                    $0.title = ["zh-CN": "新英湾数字游民论坛", "en": "Xinying Bay Digital Nomad Forum"]
                    $0.description_p = ["zh-CN": "数字游民、企业与政府部门的交流对接会。", "en": "Nomads, enterprises and departments meet."]
                    $0.venue.site = .with {
                        $0.siteID = site; $0.area = .core; $0.address = "儋州市新英湾区滨海大道 1 号"
                    }
                    $0.startTime = .init(date: start)
                    $0.endTime = .init(date: start.addingTimeInterval(4 * 3600))
                    $0.capacity = 200
                }
            }, metadata: officer.metadata)
        let forum = try await events.publishEvent(
            .with {
                $0.requestID = UUID().text
                $0.eventID = draft.eventID
            }, metadata: officer.metadata)
        for (index, person) in people.prefix(Self.certified).enumerated() {
            // Registration takes the holder's own card QR, not a typed number.
            let qr = try await identity.issueCardQr(.init(), metadata: person.metadata)
            _ = try await events.registerForEvent(
                .with {
                    $0.requestID = UUID().text
                    $0.eventID = forum.eventID
                    $0.cardQr = qr.payload
                }, metadata: person.metadata)
            guard index < Self.checkedIn else { continue }
            _ = try await events.checkIn(
                .with {
                    $0.requestID = UUID().text
                    $0.eventID = forum.eventID
                    $0.credential.cardQr = qr.payload
                }, metadata: officer.metadata)
        }
        return forum.eventID
    }

    /// A rent subsidy claim through the one-card catalogue, approved and rated.
    private func seedServiceApplication(_ nomad: Caller, officer: Caller) async throws {
        let application = try await identity.submitApplication(
            .with {
                $0.requestID = UUID().text
                $0.serviceCode = "nomad-rent-subsidy"
                $0.form = ["lease_months": "6", "monthly_rent_cny": "2500"]
                $0.evidenceHashes = [Self.digest("demo lease \(nomad.id)")]
            }, metadata: nomad.metadata)
        _ = try await identity.decideApplication(
            .with {
                $0.requestID = UUID().text
                $0.id = application.id
                $0.approve = true
            }, metadata: officer.metadata)
        _ = try await identity.rateApplication(
            .with {
                $0.requestID = UUID().text
                $0.id = application.id
                $0.stars = 5
            }, metadata: nomad.metadata)
    }

    /// Waits until analytics counts what the seed did (the relays deliver
    /// within seconds), then prints the figures.
    private func awaitKpis(admin: Caller) async throws {
        let expected: [String: Int64] = [
            "certified_nomads": Int64(Self.certified), "settled_migrants": Int64(Self.settled),
            "nomad_visits": Int64(Self.certified), "event_attendance": Int64(Self.checkedIn), "bounties_completed": 1,
        ]
        var values: [String: Int64] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let list = try await analytics.listKpis(.init(), metadata: admin.metadata)
            values = Dictionary(list.kpis.map { ($0.kpi.code, $0.value) }, uniquingKeysWith: { first, _ in first })
            if expected.allSatisfy({ values[$0.key, default: 0] >= $0.value }) {
                say("demo data in analytics: " + expected.keys.sorted().map { "\($0) \(values[$0, default: 0])" }.joined(separator: ", "))
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw CtlError("the demo data did not reach analytics within 60 s: KPIs \(values), expected at least \(expected)")
    }

    /// The SHA-256 of a fictitious document, as evidence fields carry it.
    private static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Accounts

    private var anonymous: Metadata { ["accept-language": "en"] }

    private var flows: IdentityFlows { IdentityFlows(identity) }

    private func login(_ username: String, password: String = DemoSeed.password) async throws -> Caller {
        let pair = try await flows.login(username: username, password: password, metadata: anonymous)
        return Caller(id: pair.account.id, token: pair.accessToken)
    }

    private func officer(_ username: String, _ name: String, department: String, admin: Caller) async throws -> Caller {
        try await flows.createOfficer(
            username: username, password: Self.password, displayName: name, department: department, admin: admin.metadata)
        return try await login(username)
    }

    private func site(
        zh: String, en: String, area: Nomad_Identity_V1_Area, address: String, admin: Caller
    ) async throws -> String {
        try await flows.createSite(zh: zh, en: en, area: area, address: address, capacity: 120, admin: admin.metadata)
    }

    /// A 12-month permit from today for remote software work, approved.
    private func grantPermit(_ nomad: Caller, officer: Caller) async throws {
        try await flows.grantPermit(
            months: 12, activities: [.remoteSoftwareDevelopment], nomad: nomad.metadata, officer: officer.metadata)
    }

    /// Applies with evidence meeting every criterion; the talent officer approves.
    private func certify(_ nomad: Caller, officer: Caller) async throws {
        try await flows.certify(
            evidence: .with {
                $0.monthlyRemoteIncome = .with {
                    $0.currencyCode = "CNY"
                    $0.minorUnits = 1_500_000
                }
                $0.remoteClients = ["Remote client Ltd."]
                $0.intendedStayDays = 180
                $0.skills = ["Swift", "数据分析"]
                $0.documentHashes = [Self.digest("demo income statement \(nomad.id)")]
            }, nomad: nomad.metadata, officer: officer.metadata)
    }
}

/// The generated clients, built over one connection.
protocol DemoClient: Sendable {
    init(wrapping client: GRPCClient<HTTP2ClientTransport.Posix>)
}

extension DemoSeed.Identity: DemoClient {}
extension DemoSeed.Jobs: DemoClient {}
extension DemoSeed.Assets: DemoClient {}
extension DemoSeed.Events: DemoClient {}
extension DemoSeed.Analytics: DemoClient {}

import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadProtos
import NomadTesting

/// SplitMix64: a tiny PRNG of our own, so a seed means the same scenario on
/// every platform and Swift version.
struct ScenarioRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// true with probability percent / 100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// What the scenario will do, decided entirely from the seed before any RPC.
/// The expected figures are computed from this plan, never from a database.
struct ScenarioPlan: Sendable {
    struct Nomad: Sendable {
        let nationality: String
        let certified: Bool
        let settled: Bool
        /// Site indexes the nomad's card is shown at (certified nomads only: a
        /// card comes with certification). Repeats on one day record once.
        let siteVisits: [Int]
        /// Event indexes registered for, and whether the gate checked them in.
        let registrations: [(event: Int, checkedIn: Bool)]
    }

    struct Event: Sendable {
        let kind: Nomad_Events_V1_EventKind
        let core: Bool
        /// An enterprise index, or nil for an officer of the events department.
        let enterprise: Int?
    }

    struct Application: Sendable {
        let nomad: Int
        /// Index into the catalogue entries open to nomads, ordered by code.
        let entry: Int
        /// nil: still waiting; else approved (true) or refused.
        let decision: Bool?
        /// 1-5 when the applicant rates the decided application.
        let stars: Int?
    }

    /// A nomad's application to an enterprise's job, accepted with a contract.
    /// Signed one after another in plan order, so each nomad's first contract
    /// (which decides who introduced them) is known.
    struct Contract: Sendable {
        enum Terms: Int, Sendable, CaseIterable {
            /// Employment of 12 whole months: a long contract.
            case employmentYear
            /// Employment of 6 months: not long.
            case employmentHalfYear
            /// Flexible employment (灵活用工), 3 months.
            case flexible
            /// A service order of one month.
            case serviceOrder
        }

        let nomad: Int
        let enterprise: Int
        /// 0: the enterprise's remote-order job, 1: its flexible job.
        let job: Int
        let terms: Terms
    }

    static let jobsPerEnterprise = 2

    /// A labelling task of `hours` at quality 100 (1 POW per hour under the
    /// seeded valuation rule), accepted or refused by an officer; an accepted
    /// contributor exchanges `exchanged` POW for points (10 each, the seeded
    /// rate) and redeems `redeemed` of them at a merchant.
    struct Contribution: Sendable {
        let nomad: Int
        let hours: Int64
        let accepted: Bool
        let exchanged: Int64
        let redeemed: Int64
    }

    /// An open bounty (揭榜挂帅) an enterprise publishes; a nomad applies, an
    /// officer finds them qualified, they claim it; completed or still running.
    struct Bounty: Sendable {
        let enterprise: Int
        let winner: Int
        let completed: Bool
    }

    /// A revenue report for last month, confirmed or refused by an officer.
    struct Report: Sendable {
        /// An enterprise index, or a nomad index when `individual`.
        let reporter: Int
        let individual: Bool
        let revenueMinor: Int64
        let taxMinor: Int64
        let confirmed: Bool
    }

    /// Sites 0..<coreSites are in the core zone (Xinying Bay), the rest linked.
    static let sites = 4
    static let coreSites = 2
    static let entries = 3

    let nomads: [Nomad]
    let enterprises: Int
    let events: [Event]
    let applications: [Application]
    let contracts: [Contract]
    let reports: [Report]
    let contributions: [Contribution]
    let bounties: [Bounty]

    init(seed: UInt64, nomads nomadCount: Int = 40, enterprises: Int = 6) {
        var random = ScenarioRandom(seed: seed)
        self.enterprises = enterprises
        // A training event by an enterprise (core), a forum by an officer (linked),
        // a meetup by another enterprise (core).
        events = [
            Event(kind: .training, core: true, enterprise: 0),
            Event(kind: .forum, core: false, enterprise: nil),
            Event(kind: .meetup, core: true, enterprise: 1),
        ]
        let nationalities = ["CN", "DE", "FR", "US", "JP", "CN", "GB", "CN"]
        var nomads: [Nomad] = []
        for _ in 0..<nomadCount {
            let certified = random.chance(60)
            let settled = certified && random.chance(30)
            var visits: [Int] = []
            if certified {
                for _ in 0..<random.below(4) { visits.append(random.below(Self.sites)) }
            }
            var registrations: [(event: Int, checkedIn: Bool)] = []
            for event in events.indices where random.chance(40) {
                registrations.append((event, random.chance(75)))
            }
            nomads.append(
                Nomad(
                    nationality: nationalities[random.below(nationalities.count)], certified: certified, settled: settled,
                    siteVisits: visits, registrations: registrations))
        }
        self.nomads = nomads
        var applications: [Application] = []
        for _ in 0..<24 {
            let nomad = random.below(nomadCount)
            let entry = random.below(Self.entries)
            let decision: Bool? = random.chance(75) ? random.chance(80) : nil
            let stars: Int? = decision != nil && random.chance(60) ? 1 + random.below(5) : nil
            applications.append(Application(nomad: nomad, entry: entry, decision: decision, stars: stars))
        }
        self.applications = applications
        var contracts: [Contract] = []
        var taken = Set<[Int]>()
        while contracts.count < 14 {
            let contract = Contract(
                nomad: random.below(nomadCount), enterprise: random.below(enterprises), job: random.below(Self.jobsPerEnterprise),
                terms: Contract.Terms(rawValue: random.below(Contract.Terms.allCases.count))!)
            // One application per nomad and job.
            guard taken.insert([contract.nomad, contract.enterprise, contract.job]).inserted else { continue }
            contracts.append(contract)
        }
        self.contracts = contracts
        var reports: [Report] = []
        for enterprise in 0..<4 {
            let revenue = Int64(1 + random.below(50)) * 1_000_000_00  // whole millions of yuan, in fen
            reports.append(
                Report(
                    reporter: enterprise, individual: false, revenueMinor: revenue, taxMinor: revenue / 16, confirmed: enterprise != 3))
        }
        // Individuals: 25 and 21 million yuan confirmed (super individuals at the
        // default 20 million threshold), 5 million confirmed (not), 30 million refused.
        for (millions, confirmed) in [(25, true), (21, true), (5, true), (30, false)] {
            let revenue = Int64(millions) * 1_000_000_00
            reports.append(
                Report(
                    reporter: reports.count, individual: true, revenueMinor: revenue, taxMinor: revenue / 20, confirmed: confirmed))
        }
        self.reports = reports
        var contributions: [Contribution] = []
        var contributors = Set<Int>()
        while contributions.count < 10 {
            let nomad = random.below(nomadCount)
            // One contribution per nomad keeps each ledger simple to reason about.
            guard contributors.insert(nomad).inserted else { continue }
            let hours = Int64(1 + random.below(20))
            let accepted = random.chance(80)
            let exchanged = accepted ? Int64(random.below(Int(hours) + 1)) : 0
            let redeemed = exchanged > 0 ? Int64(random.below(Int(exchanged * 10) + 1)) : 0
            contributions.append(Contribution(nomad: nomad, hours: hours, accepted: accepted, exchanged: exchanged, redeemed: redeemed))
        }
        self.contributions = contributions
        // The last one is still running when the figures are read.
        bounties = (0..<4).map { index in
            Bounty(
                enterprise: random.below(enterprises), winner: random.below(nomadCount),
                completed: index < 3 && random.chance(70))
        }
    }
}

/// The figures analytics should answer, computed from the plan alone.
struct ScenarioExpectations: Sendable {
    struct Service: Sendable, Equatable {
        var received = 0
        var completed = 0
        var ratings = 0
        var starsTotal = 0
    }

    let certifiedNomads: Int
    let settledMigrants: Int
    /// Nomad visits: one per person per day (every act happens today), by area
    /// once per person per day per area.
    let nomadVisits: Int
    let nomadVisitsCore: Int
    let nomadVisitsLinked: Int
    /// Each attendee once per event.
    let eventAttendance: Int
    let eventAttendanceCore: Int
    /// Per entry index of the nomad-open catalogue entries.
    let services: [Int: Service]
    /// Confirmed revenue and tax (fen), and individuals at 20 million yuan or more.
    let revenueMinor: Int64
    let taxMinor: Int64
    let superIndividuals: Int
    let powCredited: Int64
    let pointsRedeemed: Int64
    let bountiesCompleted: Int
    let jobsPosted: Int
    let jobsFilled: Int
    /// Per enterprise index: reward criteria counts of this year.
    let eligibility: [Int: Eligibility]

    struct Eligibility: Sendable, Equatable {
        var introduced = 0
        var longContracts = 0
        var flexible = 0
        var trained = 0
    }

    init(_ plan: ScenarioPlan) {
        certifiedNomads = plan.nomads.filter(\.certified).count
        settledMigrants = plan.nomads.filter(\.settled).count
        var core = Set<Int>(), linked = Set<Int>()
        var attendance = 0, attendanceCore = 0
        for (index, nomad) in plan.nomads.enumerated() {
            for site in nomad.siteVisits {
                if site < ScenarioPlan.coreSites { core.insert(index) } else { linked.insert(index) }
            }
            for registration in nomad.registrations where registration.checkedIn {
                let event = plan.events[registration.event]
                if event.core { core.insert(index) } else { linked.insert(index) }
                attendance += 1
                if event.core { attendanceCore += 1 }
            }
        }
        nomadVisits = core.union(linked).count
        nomadVisitsCore = core.count
        nomadVisitsLinked = linked.count
        eventAttendance = attendance
        eventAttendanceCore = attendanceCore
        var services: [Int: Service] = [:]
        for application in plan.applications {
            var service = services[application.entry, default: Service()]
            service.received += 1
            if application.decision != nil { service.completed += 1 }
            if let stars = application.stars {
                service.ratings += 1
                service.starsTotal += stars
            }
            services[application.entry] = service
        }
        self.services = services
        let confirmed = plan.reports.filter(\.confirmed)
        revenueMinor = confirmed.map(\.revenueMinor).reduce(0, +)
        taxMinor = confirmed.map(\.taxMinor).reduce(0, +)
        superIndividuals = confirmed.filter { $0.individual && $0.revenueMinor >= 2_000_000_000 }.count
        powCredited = plan.contributions.filter(\.accepted).map(\.hours).reduce(0, +)
        pointsRedeemed = plan.contributions.map(\.redeemed).reduce(0, +)
        bountiesCompleted = plan.bounties.filter(\.completed).count
        jobsPosted = plan.enterprises * ScenarioPlan.jobsPerEnterprise
        jobsFilled = plan.contracts.count
        var eligibility: [Int: Eligibility] = [:]
        var introduced = Set<Int>()
        for contract in plan.contracts {
            var row = eligibility[contract.enterprise, default: Eligibility()]
            if introduced.insert(contract.nomad).inserted { row.introduced += 1 }
            if contract.terms == .employmentYear { row.longContracts += 1 }
            if contract.terms == .flexible { row.flexible += 1 }
            eligibility[contract.enterprise] = row
        }
        for (index, event) in plan.events.enumerated() where event.kind == .training {
            guard let organizer = event.enterprise else { continue }
            let trained = Set(
                plan.nomads.indices.filter { nomad in
                    plan.nomads[nomad].registrations.contains { $0.event == index && $0.checkedIn }
                })
            eligibility[organizer, default: Eligibility()].trained += trained.count
        }
        self.eligibility = eligibility
    }
}

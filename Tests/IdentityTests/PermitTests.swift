import Foundation
import GRPCCore
@testable import Identity
import NomadKit
import NomadProtos
import NomadTesting
import PostgresNIO
import SwiftProtobuf
import Testing

/// The zone's calendar, worked out here independently of the service's ZoneDay.
private enum ZoneCalendar {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()

    static func day(_ date: Date) -> Nomad_Common_V1_Date {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return .with {
            $0.year = Int32(parts.year!)
            $0.month = Int32(parts.month!)
            $0.day = Int32(parts.day!)
        }
    }

    static func date(_ day: Nomad_Common_V1_Date) -> Date {
        calendar.date(from: DateComponents(year: Int(day.year), month: Int(day.month), day: Int(day.day), hour: 12))!
    }

    static func today(plusDays days: Int = 0) -> Nomad_Common_V1_Date {
        day(calendar.date(byAdding: .day, value: days, to: Date())!)
    }

    static func adding(months: Int, days: Int, to day: Nomad_Common_V1_Date) -> Nomad_Common_V1_Date {
        let moved = calendar.date(byAdding: .month, value: months, to: date(day))!
        return self.day(calendar.date(byAdding: .day, value: days, to: moved)!)
    }

    static func iso(_ day: Nomad_Common_V1_Date) -> String {
        String(format: "%04d-%02d-%02d", day.year, day.month, day.day)
    }
}

@Suite struct PermitTests {
    static let exitEntry = Departments.permits

    static func apply(
        months: Int32 = 6, activities: [Nomad_Identity_V1_PermitActivity] = [.remoteSoftwareDevelopment],
        start: Nomad_Common_V1_Date = ZoneCalendar.today(), requestID: String = UUID().uuidString
    ) -> Nomad_Identity_V1_ApplyPermitRequest {
        .with {
            $0.requestID = requestID
            $0.months = months
            $0.activities = activities
            $0.startDate = start
        }
    }

    static func decide(_ id: String, approve: Bool, reason: String = "") -> Nomad_Identity_V1_DecidePermitRequest {
        .with {
            $0.requestID = UUID().uuidString
            $0.id = id
            $0.approve = approve
            $0.reason = reason
        }
    }

    @Test func foreignNomadAppliesAndExitEntryOfficerApproves() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad(nationality: "DE")
            let officer = env.officer(Self.exitEntry)
            let start = ZoneCalendar.today(plusDays: 10)
            let applied = try await env.client.applyPermit(
                Self.apply(months: 7, activities: [.remoteSoftwareDevelopment, .crossBorderEcommerce], start: start),
                metadata: callMetadata(token: nomad.token))
            #expect(applied.status == .pending)
            #expect(applied.applicantID == nomad.account.id)
            #expect(applied.months == 7)
            #expect(applied.activities == [.remoteSoftwareDevelopment, .crossBorderEcommerce])
            #expect(!applied.hasValidFrom && !applied.hasValidUntil)
            #expect(try await env.app.outboxCount(type: "identity.permit.applied", subject: applied.id) == 1)

            // The applicant and the permit department read it.
            #expect(try await env.client.getPermit(.with { $0.id = applied.id }, metadata: callMetadata(token: nomad.token)) == applied)
            #expect(try await env.client.getPermit(.with { $0.id = applied.id }, metadata: callMetadata(token: officer)) == applied)

            let approved = try await env.client.decidePermit(
                Self.decide(applied.id, approve: true), metadata: callMetadata(token: officer))
            #expect(approved.status == .approved)
            #expect(approved.validFrom == start)
            #expect(approved.validUntil == ZoneCalendar.adding(months: 7, days: -1, to: start))
            #expect(approved.decisionReason.isEmpty)

            // The decision is audited with the permit before and after, and announced.
            let audit = try await env.client.listAuditEntries(
                .with { $0.subject = "permit/\(applied.id)" }, metadata: callMetadata(token: env.admin()))
            #expect(audit.entries.count == 1)
            let entry = try #require(audit.entries.first)
            #expect(entry.action == "permit.approve")
            #expect(entry.actorDepartment == Self.exitEntry)
            #expect(try Nomad_Identity_V1_Permit(jsonString: entry.beforeJson).status == .pending)
            #expect(try Nomad_Identity_V1_Permit(jsonString: entry.afterJson) == approved)
            let event = try #require(try await env.outboxPayload(type: "identity.permit.decided", subject: applied.id))
            #expect(event["approved"] == "true")
            #expect(event["valid_until"] == ZoneCalendar.iso(approved.validUntil))
        }
    }

    @Test func refusingNeedsAReasonAndIsAudited() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad(nationality: "FR")
            let officer = env.officer(Self.exitEntry)
            let permit = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: nomad.token))
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.decidePermit(Self.decide(permit.id, approve: false), metadata: callMetadata(token: officer))
            }
            let rejected = try await env.client.decidePermit(
                Self.decide(permit.id, approve: false, reason: "Accommodation registration missing"), metadata: callMetadata(token: officer)
            )
            #expect(rejected.status == .rejected)
            #expect(rejected.decisionReason == "Accommodation registration missing")
            #expect(!rejected.hasValidFrom && !rejected.hasValidUntil)
            let audit = try await env.client.listAuditEntries(
                .with { $0.subject = "permit/\(permit.id)" }, metadata: callMetadata(token: env.admin()))
            #expect(audit.entries.map(\.action) == ["permit.reject"])
            #expect(try await env.outboxPayload(type: "identity.permit.decided", subject: permit.id)?["approved"] == "false")

            // A second decision, either way, is refused.
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.decidePermit(Self.decide(permit.id, approve: true), metadata: callMetadata(token: officer))
            }
            await expectRPCError(.failedPrecondition) {
                _ = try await env.client.decidePermit(
                    Self.decide(permit.id, approve: false, reason: "again"), metadata: callMetadata(token: officer))
            }
        }
    }

    @Test func onlyTheRightCallersMayActOnPermits() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad(nationality: "US")
            let other = try await env.certifiedNomad(nationality: "GB")
            let talent = env.officer(Departments.certification)
            let permit = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: nomad.token))
            let get = Nomad_Identity_V1_GetPermitRequest.with { $0.id = permit.id }

            // Another nomad, an officer of another department, an enterprise.
            await expectRPCError(.permissionDenied) { _ = try await env.client.getPermit(get, metadata: callMetadata(token: other.token)) }
            await expectRPCError(.permissionDenied) { _ = try await env.client.getPermit(get, metadata: callMetadata(token: talent)) }
            await expectRPCError(.permissionDenied) { _ = try await env.client.listPermits(.init(), metadata: callMetadata(token: talent)) }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.decidePermit(Self.decide(permit.id, approve: true), metadata: callMetadata(token: talent))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.decidePermit(Self.decide(permit.id, approve: true), metadata: callMetadata(token: nomad.token))
            }
            let enterprise = try await env.enterprise()
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: enterprise.token))
            }
            await expectRPCError(.permissionDenied) {
                _ = try await env.client.getPermit(get, metadata: callMetadata(token: enterprise.token))
            }

            // No token at all.
            await expectRPCError(.unauthenticated) { _ = try await env.client.applyPermit(Self.apply(), metadata: callMetadata()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.getPermit(get, metadata: callMetadata()) }
            await expectRPCError(.unauthenticated) { _ = try await env.client.listPermits(.init(), metadata: callMetadata()) }
            await expectRPCError(.unauthenticated) {
                _ = try await env.client.decidePermit(Self.decide(permit.id, approve: true), metadata: callMetadata())
            }

            // Nothing was decided by any of that.
            let still = try await env.client.getPermit(get, metadata: callMetadata(token: nomad.token))
            #expect(still.status == .pending)
        }
    }

    @Test func chineseNomadsCannotApplyAndAreToldSoInTheirLanguage() async throws {
        try await withIdentity { env in
            let chinese = try await env.nomad(nationality: "CN")
            let english = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: chinese.token, language: "en"))
            }
            #expect(english == "Work and residence permits are for foreign nomads only")
            let chineseMessage = await expectRPCError(.failedPrecondition) {
                _ = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: chinese.token, language: "zh-CN"))
            }
            #expect(chineseMessage == "工作和居留许可仅面向外籍数字游民")
            let list = try await env.client.listPermits(.init(), metadata: callMetadata(token: chinese.token))
            #expect(list.permits.isEmpty)
        }
    }

    @Test func badApplicationsAreRefusedBeforeAnythingIsStored() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let metadata = callMetadata(token: nomad.token)
            func refused(_ request: Nomad_Identity_V1_ApplyPermitRequest, sourceLocation: SourceLocation = #_sourceLocation) async {
                await expectRPCError(.invalidArgument, sourceLocation: sourceLocation) {
                    _ = try await env.client.applyPermit(request, metadata: metadata)
                }
            }
            await refused(Self.apply(months: 5))
            await refused(Self.apply(months: 13))
            await refused(Self.apply(months: 0))
            await refused(Self.apply(activities: []))
            await refused(Self.apply(activities: [.UNRECOGNIZED(99)]))
            await refused(Self.apply(activities: [.unspecified]))
            await refused(Self.apply(activities: [.digitalContentCreation, .UNRECOGNIZED(7)]))
            await refused(Self.apply(activities: [.digitalContentCreation, .digitalContentCreation]))
            await refused(Self.apply(start: ZoneCalendar.today(plusDays: -1)))
            await refused(Self.apply(start: ZoneCalendar.adding(months: 12, days: 1, to: ZoneCalendar.today())))
            await refused(
                Self.apply(
                    start: .with {
                        $0.year = 2031; $0.month = 2; $0.day = 30
                    }))
            await refused(
                Self.apply(
                    start: .with {
                        $0.year = 2031; $0.month = 13; $0.day = 1
                    }))
            var noStart = Self.apply()
            noStart.clearStartDate()
            await refused(noStart)
            await refused(Self.apply(requestID: ""))

            // The edges are accepted: 6 and 12 months, today and exactly a year ahead, every activity.
            _ = try await env.client.applyPermit(Self.apply(months: 6, start: ZoneCalendar.today()), metadata: metadata)
            _ = try await env.client.applyPermit(
                Self.apply(
                    months: 12, activities: [.remoteSoftwareDevelopment, .digitalContentCreation, .crossBorderEcommerce],
                    start: ZoneCalendar.adding(months: 12, days: 0, to: ZoneCalendar.today())),
                metadata: metadata)
            let mine = try await env.client.listPermits(.init(), metadata: metadata)
            #expect(mine.permits.map(\.months) == [6, 12])
        }
    }

    @Test func unknownAndMalformedIDs() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let officer = env.officer(Self.exitEntry)
            let unknown = UUID().uuidString.lowercased()
            await expectRPCError(.notFound) {
                _ = try await env.client.getPermit(.with { $0.id = unknown }, metadata: callMetadata(token: nomad.token))
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.getPermit(.with { $0.id = unknown }, metadata: callMetadata(token: officer))
            }
            await expectRPCError(.notFound) {
                _ = try await env.client.decidePermit(Self.decide(unknown, approve: true), metadata: callMetadata(token: officer))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.getPermit(.with { $0.id = "not-an-id" }, metadata: callMetadata(token: officer))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listPermits(.with { $0.status = .UNRECOGNIZED(99) }, metadata: callMetadata(token: officer))
            }
            await expectRPCError(.invalidArgument) {
                _ = try await env.client.listPermits(.with { $0.expiringWithinDays = -1 }, metadata: callMetadata(token: officer))
            }
        }
    }

    @Test func applyingTwiceWithOneRequestIDCreatesOnePermit() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad()
            let request = Self.apply(requestID: "permit-retry-1")
            let first = try await env.client.applyPermit(request, metadata: callMetadata(token: nomad.token))
            let second = try await env.client.applyPermit(request, metadata: callMetadata(token: nomad.token))
            #expect(first.id == second.id)
            #expect(first == second)
            let mine = try await env.client.listPermits(.init(), metadata: callMetadata(token: nomad.token))
            #expect(mine.permits.map(\.id) == [first.id])
            let rows = try await env.app.withSchemaConnection { tx in
                try await tx.query("SELECT count(*) FROM permits").collect().first!.decode(Int.self)
            }
            #expect(rows == 1)
            #expect(try await env.app.outboxCount(type: "identity.permit.applied", subject: first.id) == 1)

            // The same decision retried is answered once, not refused as a second decision.
            let officer = env.officer(Self.exitEntry)
            let decision = Self.decide(first.id, approve: true)
            let decided = try await env.client.decidePermit(decision, metadata: callMetadata(token: officer))
            let again = try await env.client.decidePermit(decision, metadata: callMetadata(token: officer))
            #expect(decided == again)
            #expect(try await env.app.outboxCount(type: "identity.permit.decided", subject: first.id) == 1)
        }
    }

    @Test func nomadsSeeTheirOwnAndTheDepartmentSeesAllByStatus() async throws {
        try await withIdentity { env in
            let anna = try await env.certifiedNomad(nationality: "DE")
            let ben = try await env.certifiedNomad(nationality: "KR")
            let officer = env.officer(Self.exitEntry)
            let a1 = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: anna.token))
            // Anna's second permit follows her first (one permit covers a day).
            let a2 = try await env.client.applyPermit(
                Self.apply(months: 8, start: ZoneCalendar.adding(months: 6, days: 0, to: ZoneCalendar.today())),
                metadata: callMetadata(token: anna.token))
            let b1 = try await env.client.applyPermit(Self.apply(), metadata: callMetadata(token: ben.token))
            _ = try await env.client.decidePermit(Self.decide(a2.id, approve: true), metadata: callMetadata(token: officer))
            _ = try await env.client.decidePermit(
                Self.decide(b1.id, approve: false, reason: "incomplete"), metadata: callMetadata(token: officer))

            let annas = try await env.client.listPermits(.init(), metadata: callMetadata(token: anna.token))
            #expect(annas.permits.map(\.id) == [a1.id, a2.id])
            let bens = try await env.client.listPermits(.init(), metadata: callMetadata(token: ben.token))
            #expect(bens.permits.map(\.id) == [b1.id])

            let all = try await env.client.listPermits(.init(), metadata: callMetadata(token: officer))
            #expect(all.permits.map(\.id) == [a1.id, a2.id, b1.id])
            for (status, expected) in [(Nomad_Identity_V1_PermitStatus.pending, a1.id), (.approved, a2.id), (.rejected, b1.id)] {
                let filtered = try await env.client.listPermits(.with { $0.status = status }, metadata: callMetadata(token: officer))
                #expect(filtered.permits.map(\.id) == [expected], "\(status)")
            }

            // Pages of one.
            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await env.client.listPermits(
                    .with {
                        $0.page = .with {
                            $0.pageSize = 1; $0.pageToken = token
                        }
                    }, metadata: callMetadata(token: officer))
                #expect(page.permits.count <= 1)
                seen += page.permits.map(\.id)
                token = page.page.nextPageToken
            } while !token.isEmpty
            #expect(seen == [a1.id, a2.id, b1.id])
        }
    }

    @Test func officersListPermitsExpiringWithinNDaysAndExpiredOnesAreDerived() async throws {
        try await withIdentity { env in
            let nomad = try await env.certifiedNomad(nationality: "JP")
            // One permit covers a given day: the overlapping ones are other nomads'.
            let second = try await env.certifiedNomad(nationality: "JP")
            let third = try await env.certifiedNomad(nationality: "JP")
            let officer = env.officer(Self.exitEntry)
            let metadata = callMetadata(token: officer)
            // Ends in about six months.
            let soon = try await env.client.applyPermit(Self.apply(months: 6), metadata: callMetadata(token: nomad.token))
            // Starts in ~200 days for a year: ends in about 565 days.
            let later = try await env.client.applyPermit(
                Self.apply(months: 12, start: ZoneCalendar.today(plusDays: 200)), metadata: callMetadata(token: nomad.token))
            // Will be made to have ended yesterday.
            let old = try await env.client.applyPermit(Self.apply(months: 6), metadata: callMetadata(token: second.token))
            // Still pending: never in the expiring list.
            let pending = try await env.client.applyPermit(Self.apply(months: 6), metadata: callMetadata(token: third.token))
            for permit in [soon, later, old] {
                _ = try await env.client.decidePermit(Self.decide(permit.id, approve: true), metadata: metadata)
            }
            let yesterday = ZoneCalendar.iso(ZoneCalendar.today(plusDays: -1))
            let lastYear = ZoneCalendar.iso(ZoneCalendar.adding(months: -6, days: -1, to: ZoneCalendar.today()))
            let oldID = UUID(uuidString: old.id)!
            try await env.app.withSchemaConnection { tx in
                _ = try await tx.query(
                    """
                    UPDATE permits SET valid_from = \(lastYear)::date, valid_until = \(yesterday)::date WHERE id = \(oldID)
                    """)
            }

            let soonEnd = try await env.client.getPermit(.with { $0.id = soon.id }, metadata: metadata).validUntil
            let daysToSoonEnd = ZoneCalendar.calendar.dateComponents(
                [.day], from: ZoneCalendar.date(ZoneCalendar.today()), to: ZoneCalendar.date(soonEnd)
            ).day!

            func expiring(_ days: Int32) async throws -> [String] {
                try await env.client.listPermits(.with { $0.expiringWithinDays = days }, metadata: metadata).permits.map(\.id)
            }
            #expect(try await expiring(30) == [])
            #expect(try await expiring(Int32(daysToSoonEnd) - 1) == [])
            #expect(try await expiring(Int32(daysToSoonEnd)) == [soon.id])
            #expect(try await expiring(400) == [soon.id])
            #expect(try await expiring(1000) == [soon.id, later.id])
            let withStatus = try await env.client.listPermits(
                .with {
                    $0.expiringWithinDays = 1000; $0.status = .approved
                }, metadata: metadata)
            #expect(withStatus.permits.map(\.id) == [soon.id, later.id])
            let contradictory = try await env.client.listPermits(
                .with {
                    $0.expiringWithinDays = 1000; $0.status = .pending
                }, metadata: metadata)
            #expect(contradictory.permits.isEmpty)

            // The permit that ended yesterday reads as EXPIRED, to its holder too.
            let expired = try await env.client.getPermit(.with { $0.id = old.id }, metadata: callMetadata(token: second.token))
            #expect(expired.status == .expired)
            let expiredList = try await env.client.listPermits(.with { $0.status = .expired }, metadata: metadata)
            #expect(expiredList.permits.map(\.id) == [old.id])
            #expect(expiredList.permits.first?.status == .expired)
            let approvedList = try await env.client.listPermits(.with { $0.status = .approved }, metadata: metadata)
            #expect(Set(approvedList.permits.map(\.id)) == [soon.id, later.id])
            #expect(approvedList.permits.allSatisfy { $0.status == .approved })
            let pendingList = try await env.client.listPermits(.with { $0.status = .pending }, metadata: metadata)
            #expect(pendingList.permits.map(\.id) == [pending.id])
        }
    }
}

/// The permit rules on their own, without a server.
extension PermitTests {
    @Suite struct Rules {
        @Test func validityEndsTheDayBeforeTheSameDateMonthsLater() throws {
            let start = try #require(ZoneDay(year: 2026, month: 3, day: 15))
            #expect(PermitRules.validity(start: start, months: 6).until == ZoneDay(year: 2026, month: 9, day: 14))
            #expect(PermitRules.validity(start: start, months: 12).until == ZoneDay(year: 2027, month: 3, day: 14))
            let first = try #require(ZoneDay(year: 2026, month: 1, day: 1))
            #expect(PermitRules.validity(start: first, months: 12).until == ZoneDay(year: 2026, month: 12, day: 31))
            // 31 August + 6 months clamps to 28 February; the permit ends the day before.
            let lateInMonth = try #require(ZoneDay(year: 2027, month: 8, day: 31))
            #expect(PermitRules.validity(start: lateInMonth, months: 6).until == ZoneDay(year: 2028, month: 2, day: 28))
        }

        @Test func zoneDaysAreRealCalendarDays() {
            #expect(ZoneDay(year: 2028, month: 2, day: 29) != nil)
            #expect(ZoneDay(year: 2027, month: 2, day: 29) == nil)
            #expect(ZoneDay(year: 2100, month: 2, day: 29) == nil)
            #expect(ZoneDay(year: 2000, month: 2, day: 29) != nil)
            #expect(ZoneDay(year: 2026, month: 4, day: 31) == nil)
            #expect(ZoneDay(year: 2026, month: 0, day: 1) == nil)
            #expect(ZoneDay(year: 0, month: 1, day: 1) == nil)
            #expect(ZoneDay(iso: "2026-07-04") == ZoneDay(year: 2026, month: 7, day: 4))
            #expect(ZoneDay(iso: "2026-7-4") == nil)
            #expect(ZoneDay(year: 2026, month: 12, day: 31)!.adding(days: 1) == ZoneDay(year: 2027, month: 1, day: 1))
        }

        @Test func todayIsTheZoneDayNotUTC() {
            // 2026-01-01 17:30 UTC is already 2 January in Danzhou.
            let instant = Date(timeIntervalSince1970: 1_767_288_600)
            #expect(ZoneDay.today(now: instant) == ZoneDay(year: 2026, month: 1, day: 2))
        }
    }
}

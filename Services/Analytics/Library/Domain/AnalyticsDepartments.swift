import NomadKit

/// Which departments' officers decide what analytics records (admins may
/// always). Reading zone-wide figures is for every officer; confirming a
/// figure that counts toward the programme's targets is not.
enum AnalyticsDepartments {
    /// Revenue and tax reports are checked against filings by the tax service
    /// (国家税务总局儋州市税务局) or the development and reform commission
    /// (市发改委), which compiles the digital-economy statistics.
    static let revenueReview: Set<String> = ["tax", "development_reform"]
    /// High-tech enterprise recognitions are recorded by the science, technology,
    /// industry and IT bureau (市科工信局), the plan's lead for enterprise incubation.
    static let recognition: Set<String> = ["science_industry"]

    /// An admin, or an officer of one of `departments`; anyone else is refused.
    static func authorize(_ principal: Principal, _ departments: Set<String>) throws {
        if principal.role == .admin { return }
        guard principal.role == .officer, let department = principal.department, departments.contains(department) else {
            throw NomadError.permissionDenied
        }
    }
}

import Foundation
import NomadKit
import PostgresNIO

/// Which case cites which document, and which department decides that case:
/// what lets an officer read a document that is not theirs. A citation is
/// never removed, so the officers who decided a case can still read what it
/// was decided on after a supplement replaced the evidence.
enum DocumentCitationStore {
    /// The kinds of case, as stored.
    enum CaseKind: String, Sendable {
        case certification
        case permit
        case application
    }

    static func cite(
        _ tx: Tx, documents: [UUID], kind: CaseKind, caseID: UUID, department: String
    ) async throws {
        for (position, document) in documents.enumerated() {
            try await tx.query(
                """
                INSERT INTO document_citations (case_kind, case_id, document_id, department, position)
                VALUES (\(kind.rawValue), \(caseID), \(document), \(department), \(Int16(position)))
                ON CONFLICT DO NOTHING
                """)
        }
    }

    /// Whether a case decided by `department` cites the document.
    static func isCited(_ tx: Tx, document: UUID, department: String) async throws -> Bool {
        try await tx.query(
            """
            SELECT 1 FROM document_citations WHERE document_id = \(document) AND department = \(department) LIMIT 1
            """
        ).collect().count > 0
    }

    /// The SQL of a column listing a case's documents in the order cited, for
    /// the stores of cases to select beside their own columns. `caseID` is the
    /// case table's id column.
    static func idsColumn(_ kind: CaseKind, caseID: String) -> String {
        """
        ARRAY(SELECT dc.document_id FROM document_citations dc
              WHERE dc.case_kind = '\(kind.rawValue)' AND dc.case_id = \(caseID)
              ORDER BY dc.cited_at, dc.position) AS document_ids
        """
    }
}

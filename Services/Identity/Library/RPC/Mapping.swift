import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

/// Row types to messages. The document number only ever leaves masked.
extension AccountRecord {
    var message: Nomad_Identity_V1_Account {
        .with { account in
            account.id = id.uuidString.lowercased()
            account.username = username
            account.displayName = displayName
            account.role = role.message
            account.createdAt = .init(date: createdAt)
            switch role {
            case .nomad:
                account.nomad = .with {
                    $0.nationality = nationality ?? ""
                    $0.documentType = .init(rawValue: Int(documentType ?? 0)) ?? .unspecified
                    $0.documentNumberMasked = documentMasked ?? documentNumber.map(Masking.documentNumber) ?? ""
                    $0.languages = languages
                    $0.status = .init(rawValue: Int(nomadStatus ?? 1)) ?? .registered
                    $0.foreign = nationality != "CN"
                }
            case .enterprise:
                account.enterprise = .with {
                    $0.name = enterpriseName ?? ""
                    $0.creditCode = creditCode ?? ""
                }
            case .officer:
                account.officer = .with {
                    $0.department = department ?? ""
                    $0.disabled = disabled
                }
            case .admin, .service:
                break
            }
        }
    }
}

extension Role {
    var message: Nomad_Identity_V1_Role {
        switch self {
        case .nomad: return .nomad
        case .enterprise: return .enterprise
        case .officer: return .officer
        case .admin: return .admin
        case .service: return .service
        }
    }
}

extension CertificationRecord {
    func message(_ language: Language) -> Nomad_Identity_V1_CertificationApplication {
        .with {
            $0.id = id.uuidString.lowercased()
            $0.applicantID = applicantID.uuidString.lowercased()
            $0.status = status
            $0.evidence = evidence
            $0.criteria = criteria.map { outcome in
                .with {
                    $0.code = outcome.code
                    $0.met = outcome.met
                    $0.explanation = language == .en ? outcome.en : outcome.zh
                }
            }
            $0.criteriaMet = criteriaMet
            $0.decisionReason = decisionReason
            if let documentsDeadline { $0.documentsDeadline = .init(date: documentsDeadline) }
            $0.history = history
            $0.createdAt = .init(date: createdAt)
        }
    }
}

extension CardRecord {
    /// The full number for the holder and for officers of a department that
    /// works with card numbers (Departments.cardNumberReaders); masked for
    /// every other caller.
    func message(for reader: Principal) -> Nomad_Identity_V1_Card {
        reader.accountID == holderID || Departments.readsFullCardNumbers(reader) ? fullMessage : maskedMessage
    }

    var maskedMessage: Nomad_Identity_V1_Card {
        var message = fullMessage
        message.number = Masking.cardNumber(number)
        return message
    }

    private var fullMessage: Nomad_Identity_V1_Card {
        .with {
            $0.number = number
            $0.holderID = holderID.uuidString.lowercased()
            $0.holderDisplayName = holderDisplayName
            $0.status = status()
            $0.issuedAt = .init(date: issuedAt)
            $0.expiresAt = .init(date: expiresAt)
        }
    }
}

extension ApplicationRecord {
    var message: Nomad_Identity_V1_ServiceApplication {
        .with {
            $0.id = id.text
            $0.serviceCode = serviceCode
            $0.applicantID = applicantID.text
            $0.department = department
            $0.status = status
            $0.form = form
            $0.evidenceHashes = evidenceHashes
            $0.submittedAt = .init(date: submittedAt)
            $0.dueAt = .init(date: dueAt)
            if let decidedAt { $0.decidedAt = .init(date: decidedAt) }
            $0.decisionReason = decisionReason
            $0.overdue = overdue
            $0.rating = Int32(rating ?? 0)
            $0.ratingComment = ratingComment
            $0.documentIds = documentIDs.map(\.text)
        }
    }
}

extension DocumentRecord {
    var message: Nomad_Identity_V1_Document {
        .with {
            $0.id = id.text
            $0.ownerID = ownerID.text
            $0.purpose = purpose
            $0.filename = filename
            $0.contentType = contentType
            $0.sizeBytes = size
            $0.sha256 = sha256
            $0.uploadedAt = .init(date: uploadedAt)
        }
    }
}

extension PermitRecord {
    func message(today: ZoneDay) -> Nomad_Identity_V1_Permit {
        .with {
            $0.id = id.text
            $0.applicantID = applicantID.text
            $0.months = Int32(months)
            $0.activities = activities
            $0.status = status(on: today)
            $0.decisionReason = decisionReason
            if let validFrom { $0.validFrom = validFrom.message }
            if let validUntil { $0.validUntil = validUntil.message }
            $0.createdAt = .init(date: createdAt)
            $0.documentIds = documentIDs.map(\.text)
            if let renews { $0.renewsPermitID = renews.text }
            if let revokedAt { $0.revokedAt = .init(date: revokedAt) }
            $0.revocationReason = revocationReason
        }
    }
}

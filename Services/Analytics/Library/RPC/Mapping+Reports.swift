import Foundation
import NomadKit
import NomadProtos
import SwiftProtobuf

// Reports' row and domain types to messages.

extension RevenueReportRecord {
    var message: Nomad_Analytics_V1_RevenueReport {
        .with {
            $0.reportID = id.text
            $0.reporterID = reporterID.text
            $0.individual = individual
            $0.period = .with {
                if let day = ZoneDay(iso: from) { $0.from = day.message }
                if let day = ZoneDay(iso: to) { $0.to = day.message }
            }
            $0.revenue = .with {
                $0.currencyCode = "CNY"; $0.minorUnits = revenueMinor
            }
            $0.tax = .with {
                $0.currencyCode = "CNY"; $0.minorUnits = taxMinor
            }
            $0.evidenceHashes = evidence
            $0.status = Nomad_Analytics_V1_ReportStatus(rawValue: Int(status)) ?? .unspecified
            $0.decidedBy = decidedBy?.text ?? ""
            $0.decisionReason = reason
            $0.submittedAt = Google_Protobuf_Timestamp(date: submittedAt)
            if let decidedAt { $0.decidedAt = Google_Protobuf_Timestamp(date: decidedAt) }
        }
    }
}

extension ReportPeriod {
    var message: Nomad_Analytics_V1_Period {
        .with {
            $0.from = from.message
            $0.to = to.message
        }
    }
}

extension ServicePerformanceFigures {
    var message: Nomad_Analytics_V1_ServicePerformance {
        .with {
            $0.serviceCode = serviceCode
            $0.department = department
            $0.received = received
            $0.completed = completed
            $0.completionBasisPoints = Self.basisPoints(completed, of: received)
            $0.medianProcessingDays = medianDays ?? 0
            $0.p90ProcessingDays = p90Days ?? 0
            $0.timeLimitDays = timeLimitDays
            $0.overdueBasisPoints = Self.basisPoints(overdue, of: received)
            $0.averageRating = averageRating ?? 0
            $0.ratings = ratings
        }
    }
}

extension RecognitionRecord {
    var message: Nomad_Analytics_V1_Recognition {
        .with {
            $0.recognitionID = id.text
            $0.enterpriseID = enterpriseID.text
            if let recognizedOn { $0.recognizedOn = recognizedOn.message }
            $0.reference = reference
            $0.evidenceHashes = evidenceHashes
            $0.recordedBy = recordedBy.text
            $0.recordedAt = Google_Protobuf_Timestamp(date: recordedAt)
        }
    }
}

extension KpiSeriesFigures {
    var message: Nomad_Analytics_V1_KpiSeries {
        .with {
            $0.progress = progress
            $0.period = period.message
            $0.area = area.map { $0 == "core" ? .core : .linked } ?? .unspecified
            $0.points = points.map { point in
                .with {
                    $0.month = point.month
                    $0.value = point.value
                    $0.runningTotal = point.runningTotal
                }
            }
        }
    }

    var progress: Nomad_Analytics_V1_KpiProgress {
        .with {
            $0.kpi = kpi.definition
            $0.value = value
            $0.shareBasisPoints = shareBasisPoints
        }
    }
}

import Foundation

/// The form fields an application to a catalogue entry asks for. The
/// catalogue publishes criteria and evidence but no form, so the portal keeps
/// the few fields each entry needs; any other entry gets the general ones.
/// Each field becomes a key of SubmitApplicationRequest.form.
enum CatalogueForms {
    struct Field {
        let name: String
        let type: String
        let required: Bool
    }

    static let general = [
        Field(name: "request_summary", type: "text", required: true),
        Field(name: "contact_phone", type: "tel", required: false),
    ]

    static let byCode: [String: [Field]] = [
        "nomad-rent-subsidy": [
            Field(name: "lease_months", type: "number", required: true),
            Field(name: "monthly_rent_cny", type: "number", required: true),
            Field(name: "contact_phone", type: "tel", required: false),
        ]
    ]

    static func spec(for code: String) -> [Field] { byCode[code] ?? general }

    /// Template data: id, name, label, type, required.
    static func fields(for code: String, catalogue: Catalogue) -> [[String: Any]] {
        spec(for: code).map { field in
            [
                "name": field.name, "id": "form_\(field.name)", "type": field.type, "required": field.required,
                "label": catalogue.text("appform.\(field.name)"),
            ]
        }
    }
}

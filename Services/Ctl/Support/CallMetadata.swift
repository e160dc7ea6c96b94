import GRPCCore

/// What nomadctl sends with a call on someone's behalf: their access token,
/// and English, since nomadctl prints to an operator's terminal.
func bearer(_ token: String) -> Metadata {
    ["authorization": .string("Bearer \(token)"), "accept-language": "en"]
}

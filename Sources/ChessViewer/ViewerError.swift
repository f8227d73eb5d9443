/// A request the viewer cannot answer, with the HTTP status it is answered with and a
/// message naming the part of the request at fault.
package struct ViewerError: Error, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// A malformed or out-of-range parameter (400).
        case badRequest
        /// Something named that does not exist: a concept, a probe, a route (404).
        case notFound
        /// A body over the upload limit (413).
        case tooLarge
    }

    package let kind: Kind
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var status: Int {
        switch kind {
        case .badRequest: 400
        case .notFound: 404
        case .tooLarge: 413
        }
    }

    package var description: String { message }

    /// A missing or malformed parameter.
    static func parameter(_ name: String, _ problem: String) -> ViewerError { ViewerError(.badRequest, "\(name): \(problem)") }
}

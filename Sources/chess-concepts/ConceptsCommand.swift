import ArgumentParser
import Concepts

struct ConceptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concepts",
        abstract: "List the concept catalogue, or compute concepts for one position.")

    @Flag(help: "List every concept with its kind, perspective and description.")
    var list = false

    @Option(help: "Compute all (or --names) concepts for this FEN or 'startpos'.")
    var fen: String?

    @Option(help: "Comma-separated concept names for --fen, or 'all'.")
    var names = "all"

    @Flag(help: "JSON Lines instead of a table.")
    var json = false

    struct Entry: Encodable {
        let name: String, kind: String, perspective: String, summary: String
        let categories: [String]?
        let value: Double?
    }

    func validate() throws {
        guard list || fen != nil else { throw ValidationError("give --list, or --fen to compute concepts for a position") }
    }

    func run() throws {
        let concepts: [Concept]
        do {
            concepts = try ConceptCatalogue.parse(fen == nil ? "all" : names)
        } catch {
            throw ValidationError(error.description)
        }
        let position = try fen.map(parsePosition)
        let entries = concepts.map { concept in
            var categories: [String]?
            if case .categorical(let names) = concept.kind { categories = names }
            return Entry(name: concept.name, kind: concept.kind.name, perspective: concept.perspective.rawValue,
                         summary: concept.summary, categories: categories, value: position.map(concept.value))
        }
        if json {
            for entry in entries { try printJSON(entry) }
            return
        }
        let width = entries.map(\.name.count).max() ?? 0
        for entry in entries {
            let name = entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
            if let value = entry.value {
                let shown = value.isNaN ? "-" : value == value.rounded() ? String(Int(value)) : String(value)
                print("\(name)  \(shown)")
            } else {
                print("\(name)  \(entry.kind.padding(toLength: 11, withPad: " ", startingAt: 0))  \(entry.perspective.padding(toLength: 12, withPad: " ", startingAt: 0))  \(entry.summary)")
            }
        }
        if position == nil { print("\n\(entries.count) concepts") }
    }
}

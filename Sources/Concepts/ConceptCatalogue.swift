/// Every concept the product computes natively, and look-up by name.
public enum ConceptCatalogue {
    public static let all: [Concept] =
        MaterialConcepts.all + TacticalConcepts.all + KingSafetyConcepts.all
        + PawnStructureConcepts.all + PieceActivityConcepts.all + GameConcepts.all

    /// The concept called `name`.
    public static func named(_ name: String) throws(UnknownConceptError) -> Concept {
        guard let concept = all.first(where: { $0.name == name }) else { throw UnknownConceptError(name: name) }
        return concept
    }

    /// Concepts from a comma-separated list, or all of them for `all`.
    public static func parse(_ list: String) throws(UnknownConceptError) -> [Concept] {
        if list == "all" { return all }
        var concepts = [Concept]()
        for name in list.split(separator: ",") {
            concepts.append(try named(String(name.filter { $0 != " " })))
        }
        return concepts
    }
}

/// A concept name that is not in the catalogue.
public struct UnknownConceptError: Error, CustomStringConvertible {
    public let name: String
    public var description: String { "unknown concept '\(name)' (see 'chess-concepts concepts --list')" }
}

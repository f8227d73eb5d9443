import Foundation

/// The file formats a figure is written in.
package enum FigureFormat: String, CaseIterable, Sendable {
    case png, svg, pdf
}

/// A set of figure formats, parsed from a list such as `png,svg,pdf`.
package struct FigureFormats: Equatable, Sendable {
    /// The formats in the order png, svg, pdf.
    package let members: [FigureFormat]

    package init(_ formats: some Sequence<FigureFormat>) {
        let chosen = Set(formats)
        members = FigureFormat.allCases.filter(chosen.contains)
    }

    /// Every format.
    package static let all = FigureFormats(FigureFormat.allCases)
    package static let png = FigureFormats([.png])

    /// Parses a comma-separated list; an unknown or empty entry is an error naming it.
    package init(parsing text: String) throws(FigureFormatError) {
        var formats = [FigureFormat]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let format = FigureFormat(rawValue: part) else { throw FigureFormatError(entry: part) }
            formats.append(format)
        }
        self.init(formats)
    }

    package func contains(_ format: FigureFormat) -> Bool { members.contains(format) }

    /// The file of `base` a page or a manifest shows: the SVG (sharp at any size), else the PNG, else the PDF.
    package func file(_ base: String) -> String {
        base + "." + ([FigureFormat.svg, .png, .pdf].first(where: contains) ?? .png).rawValue
    }

    /// The list as it is written: `png,svg,pdf`.
    package var text: String { members.map(\.rawValue).joined(separator: ",") }
}

/// A figure format list with an entry that is not png, svg or pdf.
package struct FigureFormatError: Error, Equatable, CustomStringConvertible {
    package let entry: String
    package var description: String {
        "figure formats: '\(entry)' is not one of " + FigureFormat.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

extension FigureFormats: Codable {
    /// Written as its list, `"png,svg,pdf"`, as a run's settings record it.
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

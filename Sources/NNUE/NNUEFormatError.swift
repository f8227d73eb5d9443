/// Why a file is not a network this reader can load, naming the file and what was found.
package struct NNUEFormatError: Error, CustomStringConvertible, Equatable {
    package enum Problem: Equatable, Sendable {
        /// The file is shorter or longer than the layout needs.
        case size(expected: Int, found: Int)
        /// Another version of the format, e.g. Stockfish 16 and later's.
        case version(found: UInt32)
        /// A network of another architecture (`part` names which hash disagreed).
        case architecture(part: String, expected: UInt32, found: UInt32)
        /// The weights are LEB128-compressed, as Stockfish 16 writes them.
        case compressed
        /// The file could not be read at all.
        case unreadable(String)
    }

    package let path: String
    package let problem: Problem

    package init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    package var description: String {
        switch problem {
        case .size(let expected, let found):
            "\(path): \(found) bytes, but a Stockfish 15.1 HalfKAv2_hm network has \(expected) (truncated or not this layout)"
        case .version(let found):
            "\(path): NNUE format version \(Self.hex(found)) is not supported yet; this reader reads Stockfish 15.1's \(Self.hex(NNUEFile.version))"
        case .architecture(let part, let expected, let found):
            "\(path): the \(part) hash is \(Self.hex(found)), not \(Self.hex(expected)): a network of another architecture, not supported yet"
        case .compressed:
            "\(path): the weights are LEB128-compressed, as Stockfish 16 and later write them: not supported yet (this reader reads Stockfish 15.1's uncompressed layout)"
        case .unreadable(let reason):
            "\(path): \(reason)"
        }
    }

    static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16, uppercase: true) }
}

import DataFiles
import Foundation
import NNUE
import Testing

@Suite(.enabled(if: InstalledNetwork.path != nil, Comment(rawValue: InstalledNetwork.missing)))
struct FormatTests {
    static let bytes: Data? = InstalledNetwork.path.flatMap { FileManager.default.contents(atPath: $0) }

    @Test func theExportIsTheNetworkStockfishNames() throws {
        let bytes = try #require(Self.bytes)
        #expect(SHA256.hex(of: bytes).hasPrefix("ad9b42354671"))
        #expect(InstalledNetwork.path!.hasSuffix(StockfishNetworkExport.expectedName))
        #expect(InstalledNetwork.network!.file.description.count > 10)
    }

    @Test func aTruncatedFileIsRefusedWithBothSizes() throws {
        let bytes = try #require(Self.bytes)
        #expect(throws: NNUEFormatError(path: "cut.nnue", problem: .size(expected: bytes.count, found: bytes.count - 1000))) {
            try NNUEFile(bytes.prefix(bytes.count - 1000), path: "cut.nnue")
        }
    }

    @Test func anotherVersionIsNamed() throws {
        var bytes = try #require(Self.bytes)
        bytes[0] = 0x21
        let error = #expect(throws: NNUEFormatError.self) { try NNUEFile(bytes, path: "other.nnue") }
        #expect(error?.problem == .version(found: 0x7AF3_2F21))
        #expect(error?.description.contains("0x7AF32F21 is not supported yet") == true)
    }

    @Test func aCompressedNetworkIsNamedNotSupported() throws {
        let original = try #require(Self.bytes)
        let descriptionLength = Int(original[8]) | Int(original[9]) << 8
        var bytes = original
        bytes.replaceSubrange((12 + descriptionLength + 4)..<(12 + descriptionLength + 21), with: Array("COMPRESSED_LEB128".utf8))
        #expect(throws: NNUEFormatError(path: "sf16.nnue", problem: .compressed)) { try NNUEFile(bytes.prefix(100_000), path: "sf16.nnue") }
    }

    @Test func anotherArchitectureIsRefusedByItsHash() throws {
        var bytes = try #require(Self.bytes)
        bytes[4] ^= 0xFF
        let error = #expect(throws: NNUEFormatError.self) { try NNUEFile(bytes, path: "other.nnue") }
        guard case .architecture(let part, _, _) = error?.problem else { Issue.record("expected an architecture error, got \(String(describing: error))"); return }
        #expect(part == "network")
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Data(String(repeating: "a", count: 1_000).utf8)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
